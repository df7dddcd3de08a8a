/**
 * Prettier with the settings of n8n's node starter (the template `@n8n/node-cli` scaffolds): tabs, single quotes,
 * trailing commas, 100 columns. https://prettier.io/docs/options
 */
module.exports = {
	semi: true,
	trailingComma: 'all',
	bracketSpacing: true,
	useTabs: true,
	tabWidth: 2,
	arrowParens: 'always',
	singleQuote: true,
	quoteProps: 'as-needed',
	endOfLine: 'lf',
	printWidth: 100,
};
