/**
 * Status codes the emulator answers for cases Carbon's spec leaves undocumented (it only documents 200 and 422).
 * Bodies are always FastAPI-style `{"detail": …}`. Tests and nodes should import these rather than hard-code.
 */
export const STATUS = {
	/** Path not in the spec (FastAPI: `{"detail":"Not Found"}`). */
	unknownPath: 404,
	/** Path in the spec, method not (FastAPI: `{"detail":"Method Not Allowed"}`). */
	methodNotAllowed: 405,
	/** Missing/unknown API key or access token, Token on an organisation-level endpoint. */
	unauthorized: 401,
	/** Valid API key but no `customer-id` header on a customer-scoped endpoint. */
	missingCustomerId: 401,
	/** Body/parameter violates the spec (FastAPI `HTTPValidationError`). Also invalid JSON. */
	validation: 422,
	/** `data_source_id` unknown or owned by another customer/organisation. */
	dataSourceNotFound: 404,
	/** `/resync_file` `file_id` unknown or not the customer's. */
	fileNotFound: 404,
	/** `/delete_webhook/{id}` unknown or not the organisation's. */
	webhookNotFound: 404,
	/** `/resync_file` on a file that is not settled (documented: Carbon Connect, SyncedFilesList.tsx:494). */
	resyncConflict: 409,
	/** A fourth `/add_webhook` (Carbon allows 3 URLs per organisation). */
	webhookLimit: 400,
	/** `/user` for a customer ID the organisation does not have. */
	userNotFound: 404,
	/** `/integrations/connect` with a token Zendesk does not accept for that subdomain. */
	zendeskTokenRejected: 400,
	/** Other semantic errors: revoked data source, malformed tags_v2, prose-only rules (auto_sync_interval). */
	badRequest: 400,
	/** In the spec, but the emulator does not implement it. */
	notImplemented: 501,
	/** Request body larger than the emulator accepts. */
	payloadTooLarge: 413,
} as const;

/** An error answered as `{"detail": detail}` with the given status. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly detail: unknown,
	) {
		super(typeof detail === 'string' ? detail : JSON.stringify(detail));
	}
}
