// Benchmark reference: the smallest Ink screen, bundled with the CLI's own esbuild settings and loaded the way cli.tsx
// loads Ink (import() after start). Its first frame is what any Ink app pays here; the wizard's, minus this, is ours.
const [{render, Box, Text}, React] = await Promise.all([
	import('ink'),
	import('react').then((module) => module.default),
]);
render(
	React.createElement(
		Box,
		{flexDirection: 'column'},
		React.createElement(Text, {bold: true}, 'Welcome to ecr-setup'),
		React.createElement(Text, {dimColor: true}, 'identity → region → repository → login → push'),
	),
);
// The benchmark kills it once it has drawn; this only bounds a run by hand.
setTimeout(() => process.exit(0), 10_000);
