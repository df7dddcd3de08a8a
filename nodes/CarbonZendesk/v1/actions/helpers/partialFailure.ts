/**
 * Nothing is lost when the node stops part-way: the error that stops it says what had already been applied at
 * Carbon and what had not, so a user can re-run only the rest. Every operation that applies work in several
 * requests (per item, per group, per batch) adds that note here.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Indexes as ranges: [0, 1, 2, 5, 7, 8] → "0-2, 5, 7-8". */
export function summariseIndexes(indexes: number[]): string {
	const parts: string[] = [];
	for (let k = 0; k < indexes.length; k++) {
		const start = indexes[k];
		let end = start;
		while (k + 1 < indexes.length && indexes[k + 1] === end + 1) end = indexes[++k];
		parts.push(start === end ? `${start}` : `${start}-${end}`);
	}
	return parts.join(', ');
}

/** A description followed by the applied / not applied note, redacted (as everything that leaves the node). */
export function partialFailureDescription(
	description: string | null | undefined,
	note: string[],
	redact: (text: string) => string,
): string {
	return redact([description, ...note].filter(Boolean).join('\n'));
}

/**
 * The error that stops the node, with the note appended to its description. n8n's own errors keep their message
 * and HTTP code; anything else is wrapped.
 */
export function withPartialFailureNote(
	node: INode,
	error: unknown,
	note: string[],
	redact: (text: string) => string,
	itemIndex?: number,
): NodeOperationError | NodeApiError {
	const described = error as { description?: string | null };
	const description = partialFailureDescription(described.description, note, redact);
	if (error instanceof NodeOperationError || error instanceof NodeApiError) {
		error.description = description;
		return error;
	}
	return new NodeOperationError(node, error as Error, { itemIndex, description });
}
