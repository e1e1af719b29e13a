/** Names and tags, checked against the ECR and docker rules. Every rejection says which rule failed. */

export type Validation = {ok: true} | {ok: false; reason: string};

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function validateRepositoryName(name: string): Validation {
	if (name.length === 0) return {ok: false, reason: 'A repository name cannot be empty.'};
	if (
		name.includes('.dkr.ecr') ||
		name.includes('://') ||
		name.includes('.amazonaws.com') ||
		name.startsWith('public.ecr.aws/')
	) {
		return {
			ok: false,
			reason:
				'That looks like a full image URI: give only the repository name (the part after the registry host and "/").',
		};
	}

	if (name.length < 2) return {ok: false, reason: 'A repository name must be at least 2 characters long.'};
	if (name.length > 256)
		return {ok: false, reason: `A repository name can be at most 256 characters long (this one has ${name.length}).`};
	if (/[A-Z]/.test(name)) return {ok: false, reason: 'A repository name must be lower case.'};
	if (name.startsWith('/') || name.endsWith('/'))
		return {ok: false, reason: 'A repository name cannot start or end with "/".'};
	if (name.includes(':') || name.includes('@')) {
		return {ok: false, reason: 'A repository name cannot contain ":" or "@" (give the tag separately).'};
	}

	for (const component of name.split('/')) {
		if (component.length === 0) return {ok: false, reason: 'A repository name cannot contain "//".'};
		if (!COMPONENT.test(component)) {
			const bad = /[^a-z0-9._/-]/.exec(component);
			if (bad)
				return {
					ok: false,
					reason: `"${bad[0]}" is not allowed: use lower-case letters, digits, ".", "_", "-" and "/".`,
				};
			return {
				ok: false,
				reason: `"${component}" must start and end with a letter or digit, with single ".", "_" or "__", or runs of "-" between them.`,
			};
		}
	}

	return {ok: true};
}

export function validateTag(tag: string): Validation {
	if (tag.length === 0) return {ok: false, reason: 'A tag cannot be empty.'};
	if (tag.length > 128)
		return {ok: false, reason: `A tag can be at most 128 characters long (this one has ${tag.length}).`};
	if (!/^[A-Za-z0-9_]/.test(tag)) return {ok: false, reason: 'A tag must start with a letter, a digit or "_".'};
	if (!TAG.test(tag)) {
		const bad = /[^A-Za-z0-9_.-]/.exec(tag);
		return {ok: false, reason: `"${bad?.[0] ?? '?'}" is not allowed in a tag: use letters, digits, "_", "." and "-".`};
	}

	return {ok: true};
}
