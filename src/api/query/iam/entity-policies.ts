/**
 * Policies of users, groups and roles, one generated set of actions per entity type:
 * Attach/Detach/ListAttached{Type}Policies (managed) and Put/Get/Delete/List{Type}Policy
 * (inline). Every action is authorized on the entity's ARN.
 */
import type { PolicyTarget } from '../../../services/index.js';
import { check, type ActionInput, type ActionSpec } from '../action.js';
import type { QueryParams } from '../params.js';
import { encodeDocument, listParams, members, paginate } from '../render.js';
import { entityArn, policyArnParam, userNameParam, type EntityType } from './common.js';

const TYPES: ReadonlyArray<[string, EntityType]> = [
  ['User', 'user'],
  ['Group', 'group'],
  ['Role', 'role'],
];

function targetOf(params: QueryParams, kind: string, type: EntityType): PolicyTarget {
  return { type, name: type === 'user' ? userNameParam(params) : params.required(`${kind}Name`) };
}

function actionsFor(kind: string, type: EntityType): Record<string, ActionSpec> {
  const target = (params: QueryParams): PolicyTarget => targetOf(params, kind, type);
  const admit = (action: string) => ({ params }: ActionInput) => check(`iam:${action}`, entityArn(type, target(params).name));
  // iam:PolicyARN lets an administrator limit which managed policies a delegate may attach.
  const admitWithPolicy = (action: string) => ({ params }: ActionInput) =>
    check(`iam:${action}`, entityArn(type, target(params).name), { 'iam:PolicyARN': [policyArnParam(params)] });
  return {
    [`Attach${kind}Policy`]: {
      admit: admitWithPolicy(`Attach${kind}Policy`),
      handle: async ({ params, identity }) => {
        await identity.attachPolicy(target(params), policyArnParam(params));
        return undefined;
      },
    },
    [`Detach${kind}Policy`]: {
      admit: admitWithPolicy(`Detach${kind}Policy`),
      handle: async ({ params, identity }) => {
        await identity.detachPolicy(target(params), policyArnParam(params));
        return undefined;
      },
    },
    [`ListAttached${kind}Policies`]: {
      admit: admit(`ListAttached${kind}Policies`),
      handle: async ({ params, identity }) => {
        const list = listParams(params);
        const attached = (await identity.listAttachedPolicies(target(params))).filter((p) => list.pathPrefix === undefined || p.path.startsWith(list.pathPrefix));
        const { page, truncation } = paginate(attached, list);
        return { AttachedPolicies: members(page.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn }))), ...truncation };
      },
    },
    [`Put${kind}Policy`]: {
      admit: admit(`Put${kind}Policy`),
      handle: async ({ params, identity }) => {
        await identity.putInlinePolicy(target(params), params.required('PolicyName'), params.required('PolicyDocument'));
        return undefined;
      },
    },
    [`Get${kind}Policy`]: {
      admit: admit(`Get${kind}Policy`),
      handle: async ({ params, identity }) => {
        const { name } = target(params);
        const policyName = params.required('PolicyName');
        const document = await identity.getInlinePolicy(target(params), policyName);
        return { [`${kind}Name`]: name, PolicyName: policyName, PolicyDocument: encodeDocument(document) };
      },
    },
    [`Delete${kind}Policy`]: {
      admit: admit(`Delete${kind}Policy`),
      handle: async ({ params, identity }) => {
        await identity.deleteInlinePolicy(target(params), params.required('PolicyName'));
        return undefined;
      },
    },
    [`List${kind}Policies`]: {
      admit: admit(`List${kind}Policies`),
      handle: async ({ params, identity }) => {
        const { page, truncation } = paginate(await identity.listInlinePolicies(target(params)), listParams(params));
        return { PolicyNames: members(page), ...truncation };
      },
    },
  };
}

export const ENTITY_POLICY_ACTIONS: Record<string, ActionSpec> = Object.assign({}, ...TYPES.map(([kind, type]) => actionsFor(kind, type)));
