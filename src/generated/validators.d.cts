import type { ValidateFunction } from 'ajv';
export declare const validateDiagnoseRequest: ValidateFunction;
export declare const validateKb: ValidateFunction;
export declare const validateFacts: ValidateFunction;
export declare const validateSymptoms: ValidateFunction;
export declare const validateSignals: ValidateFunction;
export declare const validateCauses: ValidateFunction;
export declare const validateTests: ValidateFunction;
export declare const validateFrontMatter: ValidateFunction;
