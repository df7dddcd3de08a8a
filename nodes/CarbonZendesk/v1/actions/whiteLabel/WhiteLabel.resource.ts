import { defineResource } from '../helpers/resource';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as list from './list.operation';
import * as update from './update.operation';

export const whiteLabel = defineResource({
	value: 'whiteLabel',
	name: 'White Label',
	description: "Your own Zendesk OAuth app, shown to end users instead of Carbon's",
	operations: { create, update, delete: del, list },
	defaultOperation: 'create',
	toolDefaultOperation: 'list',
});
