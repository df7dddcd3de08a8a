import { defineResource } from '../helpers/resource';
import * as cancelSync from './cancelSync.operation';
import * as list from './list.operation';
import * as sync from './sync.operation';

export const item = defineResource({
	value: 'item',
	name: 'Item',
	description: "Carbon's list of a help center's articles, tickets and more",
	operations: { list, sync, cancelSync },
	defaultOperation: 'list',
});
