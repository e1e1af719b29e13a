/**
 * Commands shown to the user are argv arrays; these render them so that copying them into a shell runs the same argv.
 * The one quoting of the project for commands people copy (wizard, doctor, install-helper, the sudo advice), and its
 * counterpart for paths shown for PowerShell or cmd.
 */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(argument: string): string {
	if (argument.length > 0 && SAFE.test(argument)) return argument;
	return `'${argument.replaceAll("'", `'"'"'`)}'`;
}

export function commandLine(argv: readonly string[]): string {
	return argv.map((argument) => shellQuote(argument)).join(' ');
}

/** Quote a path for PowerShell / cmd (double quotes; Windows paths cannot contain them). */
export function windowsQuotePath(value: string): string {
	return /[\s&()[\]{}^=;!'+,`~]/.test(value) ? `"${value}"` : value;
}
