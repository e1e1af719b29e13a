/** What ecr-setup uses of the STS client (see sdk-ecr.ts for why this list exists). */
export {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts';
