using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;

namespace Imguard.Audit.Verification;

/// <summary>
/// Walks the records of a log in stored order, one at a time (constant memory apart from a window of recent
/// hashes), and collects breaks. Per record at most one break is reported, the most telling one: a gap before it,
/// else a broken link to its predecessor, else a hash that does not match its fields. Checkpoints are checked for
/// their signature first, then against the record they cover as the walk reaches it. Breaks are found in sequence
/// order, so only the first <see cref="AuditVerifier.MaxReportedBreaks"/> of each list are kept; the rest are counted.
/// </summary>
internal sealed class ChainWalker
{
    // How many earlier record hashes are remembered to tell "moved" from "removed" at a broken link.
    private const int RecentWindow = 4096;

    private readonly List<AuditCheckpoint> _checkpoints;
    private readonly bool[] _signatureValid;
    private readonly List<Finding> _breaks = [];
    private readonly List<Finding> _signatureBreaks = [];
    private int _totalBreaks;
    private readonly Dictionary<string, long> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly Dictionary<string, Finding> _unexplainedLinks = new(StringComparer.Ordinal);
    private readonly List<Finding> _gaps = [];
    private int _nextCheckpoint;
    private long _expected = 1;
    private byte[] _previousHash = ChainHashing.GenesisHash();
    private byte[]? _previousRecomputed;
    private long _lastSequence;
    private long _count;
    private long? _lastGoodCheckpoint;

    public ChainWalker(IEnumerable<AuditCheckpoint> checkpoints, AuditVerificationKey key)
    {
        _checkpoints = [.. checkpoints.OrderBy(c => c.Sequence)];
        _signatureValid = new bool[_checkpoints.Count];
        for (int i = 0; i < _checkpoints.Count; i++)
        {
            AuditCheckpoint c = _checkpoints[i];
            if (c.KeyId != key.KeyId)
            {
                Add(_signatureBreaks, c.Sequence, AuditBreakKind.CheckpointSignatureInvalid,
                    $"the checkpoint claims to be signed by key {Printable(c.KeyId)}, not by the audit key {key.KeyId}");
            }
            else if (c.ChainHash.Length != ChainHashing.HashSize || !key.Verify(ChainHashing.CheckpointMessage(c), c.Signature))
            {
                Add(_signatureBreaks, c.Sequence, AuditBreakKind.CheckpointSignatureInvalid,
                    "the checkpoint's signature does not verify under the audit key: it was forged or altered");
            }
            else
            {
                _signatureValid[i] = true;
            }
        }
    }

    public void Add(AuditRecord record)
    {
        long sequence = record.Sequence;
        bool broken = false;
        if (sequence < _expected)
        {
            Finding? gap = _gaps.Find(g => g.Sequence <= sequence && sequence <= g.GapEnd);
            if (gap is not null)
            {
                // The "missing" record turned up later: it was moved, not deleted.
                gap.Kind = AuditBreakKind.Reordered;
                gap.Description = $"record {sequence} comes after record {_lastSequence}: records were moved";
            }
            else
            {
                Add(sequence, AuditBreakKind.Reordered, $"record {sequence} comes after record {_lastSequence}: sequence numbers run backwards");
            }

            broken = true;
        }
        else if (sequence > _expected)
        {
            Finding gap = Add(_expected, AuditBreakKind.RecordsMissing, sequence - 1 == _expected
                ? $"record {_expected} is missing: the log goes from {_expected - 1} to {sequence}"
                : $"records {_expected} to {sequence - 1} are missing: the log goes from {_expected - 1} to {sequence}");
            gap.GapEnd = sequence - 1;
            if (_gaps.Count < AuditVerifier.MaxReportedBreaks)
            {
                _gaps.Add(gap);
            }

            broken = true;
        }

        if (!broken && !record.PreviousHash.AsSpan().SequenceEqual(_previousHash) &&
            !(_previousRecomputed is not null && record.PreviousHash.AsSpan().SequenceEqual(_previousRecomputed)))
        {
            string linked = Hex(record.PreviousHash);
            if (_recent.TryGetValue(linked, out long earlier))
            {
                Add(sequence, AuditBreakKind.Reordered,
                    $"its previous hash is the hash of the record stored at {earlier}, not of the one at {sequence - 1}: records were moved");
            }
            else
            {
                Finding finding = Add(sequence, AuditBreakKind.ChainBroken,
                    $"its previous hash is not the hash of record {sequence - 1}: records were removed, inserted or re-hashed");
                if (_unexplainedLinks.Count < AuditVerifier.MaxReportedBreaks)
                {
                    _unexplainedLinks.TryAdd(linked, finding);
                }
            }

            broken = true;
        }

        _previousRecomputed = null;
        if (!broken)
        {
            byte[] recomputed = ChainHashing.RecordHash(record);
            if (!recomputed.AsSpan().SequenceEqual(record.RecordHash))
            {
                Add(sequence, AuditBreakKind.RecordAltered, "its stored hash is not the hash of its fields (sequence number included): the record was edited or renumbered");

                // The next record may link to either: the stored hash (a field was edited) or the true one (the
                // stored hash was): one edit is then reported once, not again at the next link.
                _previousRecomputed = recomputed;
            }
        }

        string hash = Hex(record.RecordHash);
        if (_unexplainedLinks.Remove(hash, out Finding? moved))
        {
            // An earlier record linked to this one's hash: this record belongs before it, so records were moved.
            moved.Kind = AuditBreakKind.Reordered;
            moved.Description = $"its previous hash is the hash of the record stored later, at {sequence}: records were moved";
        }

        CheckCheckpoint(record);
        Remember(hash, sequence);
        _previousHash = record.RecordHash;
        _expected = Math.Max(_expected, sequence + 1);
        _lastSequence = sequence;
        _count++;
    }

    public AuditVerificationReport Finish()
    {
        // A validly signed checkpoint past the last record proves the log once reached it.
        for (int i = _checkpoints.Count - 1; i >= _nextCheckpoint; i--)
        {
            if (_signatureValid[i] && _checkpoints[i].Sequence > _lastSequence)
            {
                long cut = _lastSequence + 1;
                Add(cut, AuditBreakKind.TruncatedTail,
                    $"the log ends at record {_lastSequence}, but a signed checkpoint covers records up to {_checkpoints[i].Sequence}: records {cut} to {_checkpoints[i].Sequence} (at least) were cut off");
                break;
            }
        }

        var ordered = _signatureBreaks.Concat(_breaks).OrderBy(b => b.Sequence).Take(AuditVerifier.MaxReportedBreaks)
            .Select(b => new AuditBreak(b.Sequence, b.Kind, b.Description)).ToList();
        return new AuditVerificationReport(_count, _lastSequence, _checkpoints.Count, _lastGoodCheckpoint, ordered, _totalBreaks);
    }

    private void CheckCheckpoint(AuditRecord record)
    {
        // Checkpoints pointing into a gap are explained by the RecordsMissing break already reported.
        while (_nextCheckpoint < _checkpoints.Count && _checkpoints[_nextCheckpoint].Sequence < record.Sequence)
        {
            _nextCheckpoint++;
        }

        while (_nextCheckpoint < _checkpoints.Count && _checkpoints[_nextCheckpoint].Sequence == record.Sequence)
        {
            if (_signatureValid[_nextCheckpoint])
            {
                if (_checkpoints[_nextCheckpoint].ChainHash.AsSpan().SequenceEqual(record.RecordHash))
                {
                    _lastGoodCheckpoint = record.Sequence;
                }
                else
                {
                    Add(record.Sequence, AuditBreakKind.CheckpointMismatch,
                        "the signed checkpoint's chain hash is not this record's hash: the chain up to here was rewritten after it was signed");
                }
            }

            _nextCheckpoint++;
        }
    }

    private void Remember(string hash, long sequence)
    {
        if (_recent.TryAdd(hash, sequence))
        {
            _recentOrder.Enqueue(hash);
            if (_recentOrder.Count > RecentWindow)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }
        }
    }

    private Finding Add(long sequence, AuditBreakKind kind, string description) => Add(_breaks, sequence, kind, description);

    private Finding Add(List<Finding> list, long sequence, AuditBreakKind kind, string description)
    {
        var finding = new Finding { Sequence = sequence, Kind = kind, Description = description };
        _totalBreaks++;
        if (list.Count < AuditVerifier.MaxReportedBreaks)
        {
            list.Add(finding);
        }

        return finding;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string Printable(string keyId) =>
        keyId.Length <= 64 && keyId.All(char.IsAsciiHexDigit) ? keyId : "(malformed key id)";

    private sealed class Finding
    {
        public long Sequence { get; init; }

        public AuditBreakKind Kind { get; set; }

        public string Description { get; set; } = "";

        public long GapEnd { get; set; }
    }
}
