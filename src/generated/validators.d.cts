import type { ValidateFunction } from 'ajv';
export declare const validateDiagnoseRequest: ValidateFunction;
