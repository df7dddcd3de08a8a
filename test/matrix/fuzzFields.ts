/**
 * The fuzz matrix: a generator for every parameter of every operation (mostly valid values, sometimes garbage).
 * test/matrix/coverage.test.ts fails when an operation's field or option has none, so a new option is fuzzed too.
 */
import fc from 'fast-check';

import { type Env, type OpSpec, rl } from './ops';

// ------------------------------------------------------------------ generators

const unicode = fc.oneof(
	fc.string({ unit: 'grapheme', maxLength: 30 }),
	fc.string({ unit: 'binary', maxLength: 12 }),
	fc.constantFrom(
		'é',
		'Ω≈ç√',
		'🙂👩‍👩‍👧',
		'\u0000',
		'\r\nX-Injected: 1',
		'a\u202Eb',
		'\uFEFF',
		'ｆｕｌｌ',
		'𝕏'.repeat(50),
	),
);
const badNumbers = fc.constantFrom(
	-1,
	-0,
	0,
	0.5,
	1.5,
	-1e9,
	1e308,
	Number.MAX_SAFE_INTEGER + 2,
	NaN,
	Infinity,
	-Infinity,
);
const hugeList = fc
	.integer({ min: 500, max: 2500 })
	.map((n) => Array.from({ length: n }, (_, i) => `h-${i}`).join(','));
const nested = fc.letrec((tie) => ({
	node: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.jsonValue({ maxDepth: 2 }),
		fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 }),
		fc.array(tie('node'), { maxLength: 4 }),
	),
})).node;
/** Expressions that evaluate (to the wrong type); broken expressions are n8n's own error, not the node's. */
const expression = fc.oneof(
	// JSON.parse of a string literal without braces: a "}}" inside would end n8n's expression early.
	fc
		.jsonValue({ maxDepth: 3 })
		.map(
			(v) =>
				`={{ JSON.parse(${JSON.stringify(JSON.stringify(v)).replace(/\{/g, '\\u007b').replace(/\}/g, '\\u007d')}) }}`,
		),
	fc.constantFrom(
		'={{ NaN }}',
		'={{ undefined }}',
		'={{ null }}',
		'={{ 1/0 }}',
		'={{ -5 }}',
		'={{ [1,[2,[3]]] }}',
		'={{ ({ a: { b: [1] } }) }}',
		'={{ "x".repeat(20000) }}',
		'={{ $json.x }}',
		'={{ $json }}',
		'={{ true }}',
		'={{ [] }}',
		'={{ {} }}',
	),
);
const garbage: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom('', '   ', null, undefined, true, false, [], {}),
	unicode,
	badNumbers,
	fc.integer(),
	fc.double(),
	fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constant(null)), {
		maxLength: 6,
	}),
	nested,
	hugeList,
	expression,
	fc.constantFrom(
		'BOGUS',
		'ZENDESKK',
		'unknown-enum',
		'sideways',
		'XOR',
		'everything',
		'sometimes',
	),
);

/** Mostly a valid value, sometimes garbage (so that many runs get as far as sending a request). */
const maybe = (...valid: unknown[]) =>
	fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...valid) }, { weight: 1, arbitrary: garbage });
/** Items from the previous node: what `$json.x` expressions see. */
export const inputItems = fc.oneof(
	{ weight: 3, arbitrary: fc.constant([{}]) },
	fc.array(fc.record({ x: garbage as fc.Arbitrary<unknown> }, { requiredKeys: [] }), {
		minLength: 1,
		maxLength: 3,
	}),
);

/** The generators of every parameter of an operation: its top-level fields and its Options collection. */
export function fuzzFields(
	op: OpSpec,
	env: Env,
): { top: Record<string, fc.Arbitrary<unknown>>; options: Record<string, fc.Arbitrary<unknown>> } {
	// A resource locator is stored as {__rl, mode, value}: garbage goes into its value (or an expression).
	const ds = fc.oneof(
		fc.constantFrom(
			rl(op.key === 'dataSource.disconnect' ? env.revokeDsId : env.dsId),
			rl(987654),
			{ __rl: true, mode: 'list', value: String(env.dsId) },
			rl(' 1 '),
		),
		garbage.map((value) => ({ __rl: true, mode: 'id', value })),
		expression,
	);
	const common = { customerId: maybe(env.customerId, '', 'other-customer') };
	const timing = {
		timeoutSeconds: maybe(1, 5, 600),
		maxConcurrency: maybe(1, 5, 50),
		rateLimitPerMinute: maybe(0, 600),
		rateLimitWaitSeconds: maybe(1, 60, 3600),
	};
	const { maxConcurrency: _perItem, ...batchTiming } = timing;
	const wait = {
		pollIntervalSeconds: maybe(0.1, 0.5, 3600),
		waitTimeoutSeconds: maybe(1),
		errorSettleSeconds: maybe(0, 0.5, 60),
	};
	const processing = {
		chunkSize: maybe(100, 1500, 30),
		chunkOverlap: maybe(0, 20),
		embeddingModel: maybe('OPENAI', 'COHERE_MULTILINGUAL_V3'),
		maxItemsPerChunk: maybe(1, 10),
		requestId: maybe('req-1', ''),
		skipEmbeddingGeneration: maybe(true, false),
		generateSparseVectors: maybe(true, false),
		prependFilenameToChunks: maybe(true, false),
		setPageAsBoundary: maybe(true, false),
		useOcr: maybe(true, false),
		parsePdfTablesWithOcr: maybe(true, false),
		generateChunksOnly: maybe(true, false),
		storeFileOnly: maybe(true, false),
		skipFileProcessing: maybe(true, false),
	};
	const page = { returnAll: maybe(true, false), limit: maybe(1, 5, 251, 10_000) };
	switch (op.key) {
		case 'dataSource.getOAuthUrl':
			return {
				top: {
					...common,
					zendeskSubdomain: maybe('acme', 'acme.zendesk.com', 'https://acme.zendesk.com/hc/en-us'),
					syncedTypes: maybe(['ARTICLE'], ['TICKET'], ['ARTICLE', 'TICKET']),
					syncAttachments: maybe(true, false),
				},
				options: {
					...timing,
					...processing,
					connectingNewAccount: maybe(true),
					dataSourceTags: maybe('{"a":1}', '{}', { deep: { er: [1] } }),
					incrementalSync: maybe(true),
					syncSourceItems: maybe(false),
					dataSourceId: maybe(env.dsId, 0, 1),
					syncFilesOnConnection: maybe(false),
				},
			};
		case 'dataSource.list':
			return {
				top: {
					...common,
					...page,
					filters: fc.record(
						{
							ids: maybe(String(env.dsId), '1,2', 'x'),
							anySource: maybe(true),
							revokedAccess: maybe('any', 'connected', 'revoked'),
							syncStatuses: maybe(['READY'], ['SYNC_ERROR', 'READY'], ['NOPE']),
						},
						{ requiredKeys: [] },
					),
				},
				options: timing,
			};
		case 'dataSource.get':
		case 'dataSource.disconnect':
		case 'item.cancelSync':
			return { top: { ...common, dataSourceId: ds }, options: timing };
		case 'dataSource.addTags':
			return {
				top: {
					...common,
					dataSourceId: ds,
					tags: maybe('{"plan":"x"}', '{"a":{"b":[1,{"c":null}]}}', '{}', '"str"', '[]'),
				},
				options: timing,
			};
		case 'dataSource.removeTags':
			return {
				top: {
					...common,
					dataSourceId: ds,
					removeAll: maybe(true, false),
					tagKeys: maybe('plan', 'a,b', ''),
				},
				options: timing,
			};
		case 'dataSource.waitForSync':
			return { top: { ...common, dataSourceId: ds }, options: { ...timing, ...wait } };
		case 'item.list':
			return {
				top: {
					...common,
					dataSourceId: ds,
					...page,
					filters: fc.record(
						{
							externalIds: maybe(env.articleIds[0], 'a,b'),
							ids: maybe('1', '1,2'),
							itemTypes: maybe(['ARTICLE'], ['TICKET', 'SECTION'], ['NOPE']),
							name: maybe('a', ''),
							parentId: maybe(env.articleIds[0], ''),
							rootFilesOnly: maybe(true),
						},
						{ requiredKeys: [] },
					),
				},
				options: {
					...timing,
					orderBy: maybe('name', 'id', 'directories_first'),
					orderDir: maybe('asc', 'desc'),
				},
			};
		case 'item.sync':
			return {
				top: { ...common, dataSourceId: ds },
				options: { ...timing, ...wait, waitForSync: maybe(true, false) },
			};
		case 'file.sync':
			return {
				top: {
					...common,
					dataSourceId: ds,
					externalIds: maybe(
						env.articleIds[0],
						env.articleIds.join(','),
						[{ id: env.articleIds[0], root_id: env.articleIds[0] }],
						'={{ $json.x }}',
					),
					syncAttachments: maybe(true, false),
				},
				options: {
					...timing,
					...wait,
					...processing,
					tags: maybe('{"t":"1"}', '{"n":{"e":{"s":[1]}}}', 'nope'),
					incrementalSync: maybe(true),
					waitForSync: maybe(false, true),
					settleSeconds: maybe(0, 0.5),
				},
			};
		case 'file.resync':
			return {
				top: { ...common, fileId: maybe(String(env.fileIds[0]), env.fileIds[0], '0', '1e3') },
				options: {
					...timing,
					...wait,
					chunkSize: maybe(100, 1500),
					chunkOverlap: maybe(0, 20),
					forceEmbeddingGeneration: maybe(true),
					skipFileProcessing: maybe(true),
					waitForSync: maybe(false, true),
				},
			};
		case 'file.getMany':
			return {
				top: {
					...common,
					dataSourceId: ds,
					...page,
					ticketTags: maybe(
						{ conditions: [{ key: 'ticket_status', value: 'open', negate: false }] },
						{ conditions: [{ key: 'ticket_priority', value: 'urgent,high', negate: true }] },
						{ conditions: [{ key: 'BOGUS', value: '' }] },
					),
					tagMatch: maybe('AND', 'OR'),
					filters: fc.record(
						{
							fileTypes: maybe(['ARTICLE'], ['TICKET']),
							externalIds: maybe(env.articleIds[0]),
							ids: maybe(String(env.fileIds[0])),
							name: maybe('a'),
							requestIds: maybe(env.requestId),
							syncStatuses: maybe(['READY'], ['NOPE']),
							tagsV2: maybe(
								'{"AND":[{"key":"ticket_status","value":"open"}]}',
								'{"OR":[{"AND":[{"OR":[{"AND":[{"key":"k","value":1}]}]}]}]}',
								'{"key":"x"}',
							),
						},
						{ requiredKeys: [] },
					),
				},
				options: {
					...timing,
					includeParsedText: maybe(true),
					orderBy: maybe('name', 'created_at'),
					orderDir: maybe('asc', 'desc'),
				},
			};
		case 'file.delete':
			return {
				top: {
					...common,
					dataSourceId: ds,
					deleteWhat: maybe('ids', 'requestIds'),
					fileIds: maybe('999999', '1,2'),
					requestIds: maybe('no-such-request'),
				},
				options: { ...timing, preserveFileRecord: maybe(true), sendWebhook: maybe(true) },
			};
		case 'file.waitForSync':
			return {
				top: {
					...common,
					requestId: maybe(env.requestId, ''),
					fileIds: maybe(String(env.fileIds[0]), env.fileIds.join(','), ''),
				},
				options: { ...timing, ...wait, expected: maybe(1, 2) },
			};
		case 'file.search':
			return {
				top: {
					...common,
					query: maybe('how do I reset my password', 'password', ''),
					k: maybe(1, 5, 100),
					scope: maybe('all', 'dataSource'),
					dataSourceId: ds,
					content: maybe('any', 'both', 'articles', 'tickets'),
					ticketTags: maybe(
						{ conditions: [{ key: 'ticket_status', value: 'open', negate: false }] },
						{ conditions: [{ key: 'BOGUS', value: '' }] },
					),
					tagMatch: maybe('AND', 'OR'),
					output: maybe('chunks', 'combined'),
				},
				options: {
					...timing,
					embeddingModel: maybe('OPENAI', 'COHERE_MULTILINGUAL_V3'),
					excludeColdStorage: maybe(true, false),
					fileIds: maybe(String(env.fileIds[0]), env.fileIds.join(',')),
					highAccuracy: maybe(true),
					hybridSearch: maybe(true, false),
					semanticWeight: maybe(0.5, 0.3),
					keywordWeight: maybe(0.5, 0.7),
					includeFileMetadata: maybe(true),
					includeRawFile: maybe(true),
					includeTags: maybe(false),
					lookUpNames: maybe(true, false),
					mediaType: maybe('TEXT', 'IMAGE'),
					minScore: maybe(0, 0.5),
					rerankModel: maybe('', 'PONGO_RERANKER'),
					tagsV2: maybe('{"AND":[{"key":"ticket_status","value":"open"}]}', '{"key":"x"}'),
				},
			};
		case 'file.getContent':
			return {
				top: {
					...common,
					fileId: maybe(String(env.fileIds[0]), env.fileIds[0], '0'),
					content: maybe('text', 'textFile', 'raw', 'both'),
					binaryPropertyName: maybe('data', 'file'),
				},
				options: {
					...timing,
					textFormat: maybe('txt', 'md'),
					urlExpirySeconds: maybe(1, 300, 604800),
				},
			};
		case 'user.update': {
			const limit = maybe(-1, 0, 100);
			return {
				top: {
					customerIds: maybe('u1', 'u1,u2,u1', '={{ $json.x }}'),
					autoSync: maybe('selected', 'all', 'none', 'unchanged'),
					sources: maybe(['ZENDESK'], ['ZENDESK', 'GOOGLE_DRIVE'], []),
					autoSyncInterval: maybe(0, 3, 24, -1),
				},
				options: {
					...batchTiming,
					maxCharacters: limit,
					maxCharactersPerFile: limit,
					maxCharactersPerUpload: limit,
					maxFiles: limit,
					maxFilesPerUpload: limit,
				},
			};
		}
		case 'dataSource.connect': {
			const { useOcr: _o, parsePdfTablesWithOcr: _p, ...syncProcessing } = processing;
			return {
				top: {
					...common,
					zendeskAuthentication: maybe('accessToken', 'oAuth2'),
					syncedTypes: maybe(['ARTICLE'], ['TICKET'], ['ARTICLE', 'TICKET']),
					syncAttachments: maybe(true, false),
				},
				options: {
					...timing,
					...syncProcessing,
					dataSourceTags: maybe('{"a":1}', '{}'),
					incrementalSync: maybe(true),
					syncSourceItems: maybe(false),
					syncFilesOnConnection: maybe(false),
				},
			};
		}
		case 'user.whoAmI':
			return { top: common, options: timing };
		case 'user.get':
			return { top: { customerId: maybe(env.customerId, '', 'nobody') }, options: timing };
		case 'user.list':
			return {
				top: {
					...page,
					filters: fc.record(
						{ customerIds: maybe(env.customerId, 'a,b', '') },
						{ requiredKeys: [] },
					),
				},
				options: {
					...timing,
					orderBy: maybe('created_at', 'updated_at'),
					orderDir: maybe('asc', 'desc'),
				},
			};
		case 'user.delete':
			return {
				top: { customerIds: maybe('fuzz-del-1', 'a,b,a', '={{ $json.x }}') },
				options: timing,
			};
		case 'whiteLabel.create':
		case 'whiteLabel.update':
			return {
				top: {
					redirectUri: maybe(
						'',
						'https://carbon.acme.example/integrations/zendesk',
						`${env.emu.url}/integrations/zendesk`,
					),
				},
				options: timing,
			};
		case 'whiteLabel.delete':
			return { top: { whiteLabelIds: maybe('1', '1,2', '999') }, options: timing };
		case 'whiteLabel.list':
			return {
				top: {
					...page,
					filters: fc.record(
						{ anyType: maybe(true, false), ids: maybe('1', '1,2') },
						{ requiredKeys: [] },
					),
				},
				options: {
					...timing,
					orderBy: maybe('created_at', 'data_source_type'),
					orderDir: maybe('asc', 'desc'),
				},
			};
		default:
			throw new Error(`no fuzz fields for ${op.key}`);
	}
}
