import { defineResource } from '../helpers/resource';
import * as del from './delete.operation';
import * as getContent from './getContent.operation';
import * as getMany from './getMany.operation';
import * as resync from './resync.operation';
import * as search from './search.operation';
import * as sync from './sync.operation';
import * as waitForSync from './waitForSync.operation';

export const file = defineResource({
	value: 'file',
	name: 'File',
	description: 'Items imported into Carbon as files',
	operations: { sync, resync, getMany, search, getContent, waitForSync, delete: del },
	defaultOperation: 'sync',
	toolDefaultOperation: 'search',
});
