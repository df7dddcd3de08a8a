/** Owner, Carbon credential and the suite's workflows through n8n's REST API; checks main loaded the package. */
import {
	CRED,
	CUSTOMER,
	EMU,
	OWNER,
	activate,
	apiKey,
	check,
	countChecks,
	createWorkflow,
	n8n,
	noopWorkflow,
	rest,
	resyncWorkflow,
	step,
	triggerWorkflow,
	updateUsersWorkflow,
} from '../lib';

export async function setup() {
	// ---------------------------------------------------------- setup
	return await step(
		'owner, Carbon credential, workflows (REST); the package is loaded by main and worker',
		async () => {
			await n8n.setupOwner(OWNER);
			countChecks(2); // the 200 and the n8n-auth cookie, asserted by setupOwner
			const types = await n8n.nodeTypes();
			const ours = types
				.filter((t) => t.name.startsWith('n8n-nodes-carbon-zendesk.'))
				.map((t) => t.name)
				.sort();
			check(
				ours.includes('n8n-nodes-carbon-zendesk.carbonZendesk') &&
					ours.includes('n8n-nodes-carbon-zendesk.carbonTrigger'),
				'main loaded both nodes of the package',
				ours,
			);
			const cred = await rest('POST', '/rest/credentials', {
				name: CRED.name,
				type: 'carbonApi',
				data: { apiKey, customerId: CUSTOMER, baseUrl: EMU },
			});
			CRED.id = cred.data.id;
			const load = await createWorkflow(
				resyncWorkflow('Queue: webhook → Resync File (lastNode)', 'q-resync', 'lastNode'),
			);
			const async = await createWorkflow(
				resyncWorkflow(
					'Queue: webhook → Resync File (onReceived, fault phases)',
					'q-resync-async',
					'onReceived',
				),
			);
			const users = await createWorkflow(updateUsersWorkflow());
			const trigger = await createWorkflow(triggerWorkflow());
			const noop = await createWorkflow(noopWorkflow());
			for (const w of [load, async, users, noop]) await activate(w);
			return { load, async, users, trigger, noop };
		},
	);
}

export type Workflows = Awaited<ReturnType<typeof setup>>;
