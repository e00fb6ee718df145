/** Inclusive [min, max] range of API versions. */
export type VersionRange = readonly [min: number, max: number];

export type PrimitiveType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records';

export type FieldType = PrimitiveType | 'struct';

/** Value a tagged field takes when its tag is absent; arrays default to [] and structs to null unless `default` is null. */
export type TaggedDefault = number | bigint | boolean | string | null;

export interface FieldSpec {
  /** camelCase of the Kafka JSON field name. */
  readonly name: string;
  readonly type: FieldType;
  /** Present for `[]type` fields; the array elements are never nullable. */
  readonly array?: true;
  readonly versions: VersionRange;
  readonly nullable?: VersionRange;
  readonly tag?: number;
  /** Versions in which the field lives in the tagged-field section (KIP-482). */
  readonly tagged?: VersionRange;
  readonly default?: TaggedDefault;
  readonly fields?: readonly FieldSpec[];
}

export interface MessageSpec {
  readonly validVersions: VersionRange;
  /** Which reference folder defines which versions: `latest` wins where both define a version. */
  readonly definedBy: { readonly latest: VersionRange | null; readonly legacy: VersionRange | null };
  /** First flexible version (flexible versions are always open-ended), or null if none. */
  readonly flexibleFrom: number | null;
  readonly fields: readonly FieldSpec[];
}

export interface ApiSpec {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSpec;
  readonly response: MessageSpec;
}
