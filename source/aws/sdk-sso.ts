/** What ecr-setup uses of the IAM Identity Center portal client (see sdk-ecr.ts for why this list exists). */
export {ListAccountRolesCommand, ListAccountsCommand, SSOClient} from '@aws-sdk/client-sso';
