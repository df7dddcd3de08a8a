/** End-user (organization user) shapes of Carbon's spec: UserResponse, ListUserResponse. Lenient (passthrough). */
import { z } from 'zod';

/** ListUserResponse: no usage counters. */
export const listUserSchema = z
	.object({
		id: z.number().int(),
		organization_supplied_user_id: z.string(),
		custom_limits: z.record(z.unknown()).nullable().optional(),
		auto_sync_enabled_sources: z.array(z.unknown()).nullable().optional(),
	})
	.passthrough();

export const userListResponseSchema = z
	.object({
		users: z.array(listUserSchema),
		count: z.number().int().nonnegative().nullable().optional(),
	})
	.passthrough();

/** UserResponse: with files, characters and tokens synced. */
export const userSchema = listUserSchema
	.extend({
		num_files_synced: z.number(),
		num_characters_synced: z.number(),
		num_tokens_synced: z.number(),
	})
	.passthrough();
export type CarbonUser = z.infer<typeof userSchema>;
