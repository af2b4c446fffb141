/** google.rpc.Status, carried in NACKs as error_detail. */
export * from '../generated/google/rpc/status';
