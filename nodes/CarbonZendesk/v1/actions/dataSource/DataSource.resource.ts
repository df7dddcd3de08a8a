import { defineResource } from '../helpers/resource';
import * as addTags from './addTags.operation';
import * as connect from './connect.operation';
import * as disconnect from './disconnect.operation';
import * as get from './get.operation';
import * as getOAuthUrl from './getOAuthUrl.operation';
import * as list from './list.operation';
import * as removeTags from './removeTags.operation';
import * as waitForSync from './waitForSync.operation';

export const dataSource = defineResource({
	value: 'dataSource',
	name: 'Data Source',
	description: 'A Zendesk help center connected to Carbon',
	// The order of the fields in the node's description.
	operations: { getOAuthUrl, connect, list, get, addTags, removeTags, disconnect, waitForSync },
	defaultOperation: 'getOAuthUrl',
	toolDefaultOperation: 'list',
});
