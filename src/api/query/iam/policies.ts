/**
 * IAM managed policies and their versions: CreatePolicy, GetPolicy, ListPolicies, DeletePolicy,
 * ListEntitiesForPolicy, Create/Get/List/DeletePolicyVersion, SetDefaultPolicyVersion.
 * Documents are returned URL-encoded, as AWS does. DeletePolicy follows AWS: refused while the
 * policy has versions besides the default one (Terraform deletes those first).
 */
import { AppError } from '../../../core/index.js';
import type { PolicyVersionInfo } from '../../../services/index.js';
import { check, type ActionInput, type ActionSpec } from '../action.js';
import { encodeDocument, isoDate, listParams, members, paginate, truncation } from '../render.js';
import { groupsNamed, usersNamed } from './groups.js';
import { notSupported, policyArnFor, policyArnParam, policyXml } from './common.js';

const policyCheck = (action: string) => ({ params }: ActionInput) => check(`iam:${action}`, policyArnParam(params));

function versionXml(version: PolicyVersionInfo, withDocument: boolean): Record<string, string | boolean> {
  return {
    ...(withDocument ? { Document: encodeDocument(version.document) } : {}),
    VersionId: version.versionId,
    IsDefaultVersion: version.isDefault,
    CreateDate: isoDate(version.createdAt),
  };
}

function scopeParam(value: string | undefined): 'All' | 'BuiltIn' | 'Local' {
  if (value === undefined || value === 'All') return 'All';
  if (value === 'AWS') return 'BuiltIn';
  if (value === 'Local') return 'Local';
  throw new AppError('InvalidParameterValue', {
    message: `1 validation error detected: Value '${value.slice(0, 32)}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
  });
}

export const POLICY_ACTIONS: Record<string, ActionSpec> = {
  CreatePolicy: {
    admit: ({ params }) => check('iam:CreatePolicy', policyArnFor(params.string('Path'), params.required('PolicyName'))),
    handle: async ({ params, identity }) => {
      if (params.tags() !== undefined) throw notSupported('Tags on managed policies');
      const description = params.string('Description');
      const policy = await identity.createPolicy({
        name: params.required('PolicyName'),
        document: params.required('PolicyDocument'),
        ...(params.has('Path') ? { path: params.required('Path') } : {}),
        ...(description === undefined ? {} : { description }),
      });
      return { Policy: policyXml(policy) };
    },
  },
  GetPolicy: {
    admit: policyCheck('GetPolicy'),
    handle: async ({ params, identity }) => ({ Policy: policyXml(await identity.getPolicy(policyArnParam(params))) }),
  },
  ListPolicies: {
    admit: () => check('iam:ListPolicies', '*'),
    handle: async ({ params, identity }) => {
      const page = await identity.listPolicies({
        ...listParams(params),
        scope: scopeParam(params.string('Scope')),
        onlyAttached: params.boolean('OnlyAttached') ?? false,
      });
      return { Policies: members(page.items.map(policyXml)), ...truncation(page.marker) };
    },
  },
  DeletePolicy: {
    admit: policyCheck('DeletePolicy'),
    handle: async ({ params, identity }) => {
      const arn = policyArnParam(params);
      const versions = await identity.listPolicyVersions(arn);
      if (versions.some((v) => !v.isDefault)) {
        throw new AppError('DeleteConflict', {
          message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        });
      }
      await identity.deletePolicy(arn);
      return undefined;
    },
  },
  ListEntitiesForPolicy: {
    admit: policyCheck('ListEntitiesForPolicy'),
    handle: async ({ params, identity }) => {
      const filter = params.string('EntityFilter');
      const entities = await identity.listPolicyEntities(policyArnParam(params));
      const named = (type: 'user' | 'group' | 'role'): string[] =>
        filter === undefined || filter.toLowerCase() === type || filter === 'LocalManagedPolicy' || filter === 'AWSManagedPolicy'
          ? entities.filter((e) => e.type === type).map((e) => e.name)
          : [];
      const users = await usersNamed(identity, named('user'));
      const groups = await groupsNamed(identity, named('group'));
      const roles = [];
      for (const name of named('role')) roles.push(await identity.getRole(name));
      return {
        PolicyGroups: members(groups.map((g) => ({ GroupName: g.name, GroupId: g.groupId }))),
        PolicyUsers: members(users.map((u) => ({ UserName: u.name, UserId: u.userId }))),
        PolicyRoles: members(roles.map((r) => ({ RoleName: r.name, RoleId: r.roleId }))),
        IsTruncated: false,
      };
    },
  },
  CreatePolicyVersion: {
    admit: policyCheck('CreatePolicyVersion'),
    handle: async ({ params, identity }) => {
      const version = await identity.createPolicyVersion(policyArnParam(params), params.required('PolicyDocument'), params.boolean('SetAsDefault') ?? false);
      return { PolicyVersion: versionXml(version, false) };
    },
  },
  GetPolicyVersion: {
    admit: policyCheck('GetPolicyVersion'),
    handle: async ({ params, identity }) => {
      const version = await identity.getPolicyVersion(policyArnParam(params), params.required('VersionId'));
      return { PolicyVersion: versionXml(version, true) };
    },
  },
  ListPolicyVersions: {
    admit: policyCheck('ListPolicyVersions'),
    handle: async ({ params, identity }) => {
      const versions = await identity.listPolicyVersions(policyArnParam(params));
      const { page, truncation: more } = paginate(versions, listParams(params));
      return { Versions: members(page.map((v) => versionXml(v, false))), ...more };
    },
  },
  DeletePolicyVersion: {
    admit: policyCheck('DeletePolicyVersion'),
    handle: async ({ params, identity }) => {
      await identity.deletePolicyVersion(policyArnParam(params), params.required('VersionId'));
      return undefined;
    },
  },
  SetDefaultPolicyVersion: {
    admit: policyCheck('SetDefaultPolicyVersion'),
    handle: async ({ params, identity }) => {
      await identity.setDefaultPolicyVersion(policyArnParam(params), params.required('VersionId'));
      return undefined;
    },
  },
};
