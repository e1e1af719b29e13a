import type {Identity, StandInModel} from '../model.js';
import type {Json} from '../protocol.js';

/** Where an operation runs: the one model, the region the request was signed for, who signed it and with which key. */
export type OperationContext = {
	model: StandInModel;
	region: string;
	caller: Identity;
	accessKeyId: string | undefined;
};

/** One API operation: its input (JSON body or form fields) to its result, or a thrown AwsError. */
export type Operation = (input: Json, context: OperationContext) => Json | Promise<Json>;

/** A service's operations by name: serving one more operation is one more entry. */
export type Operations = Record<string, Operation>;
