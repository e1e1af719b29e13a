/** The service layer as React context: wizard steps take their side effects from here, never from imports. */
import type React from 'react';
import {createContext, useContext, useMemo} from 'react';
import type {AwsService} from '../aws/types.js';
import type {Services} from './types.js';

const ServicesContext = createContext<Services | undefined>(undefined);

export function ServicesProvider({
	services,
	children,
}: {
	services: Services;
	children: React.ReactNode;
}): React.JSX.Element {
	return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
	const services = useContext(ServicesContext);
	if (!services) throw new Error('useServices() needs a <ServicesProvider> above it.');
	return services;
}

/** The AWS service for a profile picked in the wizard (the one in force when none was picked or it cannot switch). */
export function awsForProfile(aws: AwsService, profile: string | undefined): AwsService {
	if (!profile || profile === aws.profile || !aws.withProfile) return aws;
	return aws.withProfile(profile);
}

/**
 * Every service bound to a profile picked in the wizard: AWS calls use it, and docker and the credential helper run
 * with AWS_PROFILE set to it, since docker-credential-ecr-login takes its credentials from docker's environment.
 */
export function servicesForProfile(services: Services, profile: string | undefined): Services {
	if (!profile || profile === services.aws.profile) return services;
	const env = {AWS_PROFILE: profile};
	return {
		...services,
		aws: awsForProfile(services.aws, profile),
		docker: services.docker.withEnv?.(env) ?? services.docker,
		helper: services.helper.withEnv?.(env) ?? services.helper,
	};
}

export function useAws(profile: string | undefined): AwsService {
	const {aws} = useServices();
	return useMemo(() => awsForProfile(aws, profile), [aws, profile]);
}

/** Colour is dropped with NO_COLOR (any non-empty value) or TERM=dumb; every coloured fact also has a symbol or word. */
export function colorEnabled(env: Record<string, string | undefined>): boolean {
	return !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}
