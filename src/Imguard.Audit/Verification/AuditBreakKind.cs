namespace Imguard.Audit.Verification;

/// <summary>What kind of damage <see cref="AuditVerifier"/> found at a sequence number.</summary>
public enum AuditBreakKind
{
    /// <summary>
    /// The record's stored hash is not the hash of its fields, while its link to the previous record holds: a field
    /// (or the stored hash) was edited in place.
    /// </summary>
    RecordAltered,

    /// <summary>Sequence numbers jump: the records in between were deleted.</summary>
    RecordsMissing,

    /// <summary>
    /// The record's previous hash is not its predecessor's hash, and no other record of the log has that hash:
    /// records were deleted and the rest renumbered, a record was inserted, or an edited record was re-hashed.
    /// </summary>
    ChainBroken,

    /// <summary>
    /// The record's previous hash is the hash of another record of the log (or sequence numbers run backwards):
    /// records were moved.
    /// </summary>
    Reordered,

    /// <summary>A validly signed checkpoint covers records the log no longer has: its tail was cut off.</summary>
    TruncatedTail,

    /// <summary>
    /// A validly signed checkpoint's chain hash differs from the record's hash: the chain up to that record was
    /// rewritten (and re-hashed) after the checkpoint was signed.
    /// </summary>
    CheckpointMismatch,

    /// <summary>A checkpoint's signature does not verify under the audit server's key: it was forged or altered.</summary>
    CheckpointSignatureInvalid,

    /// <summary>
    /// A signed checkpoint that must exist is not in the log, at the sequence number where it was due: the next
    /// checkpoint names it as its predecessor; or the signing policy of the last checkpoint (every N records, every
    /// period while records arrive, at shutdown) required one over the records after it; or a trusted copy
    /// (anchor) says one was signed there. Checkpoints were deleted — typically to hide records rewritten or cut
    /// off after them.
    /// </summary>
    MissingCheckpoint,

    /// <summary>
    /// The record's hash is not the chain hash of a trusted checkpoint copy held outside the log (an anchor given to
    /// the verifier): the log up to this record was rewritten, even if it is consistent in itself.
    /// </summary>
    AnchorMismatch,
}
