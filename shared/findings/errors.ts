/**
 * The findings store's errors: one family, so a caller can tell a store problem from any other.
 * Expected outcomes (an alert already sent, a finding already resolved) are results, not errors.
 */
export class FindingsStoreError extends Error {
  override readonly name: string = 'FindingsStoreError';
}

/** A finding id (or suppression) that the store does not hold. */
export class FindingNotFoundError extends FindingsStoreError {
  override readonly name = 'FindingNotFoundError';
}

/** The embedded store is open in another process (or this one): one opener at a time. */
export class StoreInUseError extends FindingsStoreError {
  override readonly name = 'StoreInUseError';
}

/** An item read back from a store does not match the finding schema: the message names the field. */
export class StoredItemError extends FindingsStoreError {
  override readonly name = 'StoredItemError';
}

/** A list cursor that no previous page of this store returned. */
export class InvalidCursorError extends FindingsStoreError {
  override readonly name = 'InvalidCursorError';
}
