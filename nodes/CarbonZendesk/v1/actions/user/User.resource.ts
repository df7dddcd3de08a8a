import { defineResource } from '../helpers/resource';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as list from './list.operation';
import * as update from './update.operation';
import * as whoAmI from './whoAmI.operation';

export const user = defineResource({
	value: 'user',
	name: 'User',
	description: 'End users (customers) of your Carbon organization',
	operations: { update, list, get, delete: del, whoAmI },
	defaultOperation: 'update',
	toolDefaultOperation: 'get',
});
