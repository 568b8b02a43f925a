using Imguard.Audit.Ledger;
using Imguard.Audit.Signing;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Verification;

/// <summary>
/// Walks the records of a log in stored order, one at a time (constant memory apart from a window of recent
/// hashes), and collects breaks. Per record at most one break is reported, the most telling one: a gap before it,
/// else a broken link to its predecessor, else a hash that does not match its fields. Checkpoints are checked for
/// their signature first, then as a chain (each chained checkpoint must name the stored one before it), then against
/// the record they cover as the walk reaches it. At the end the records after the last checkpoint are held to its
/// signed policy, and trusted anchors to the records and checkpoints. Breaks are found in sequence order, so only the
/// first <see cref="AuditVerifier.MaxReportedBreaks"/> of each list are kept; the rest are counted.
/// </summary>
internal sealed class ChainWalker
{
    // How many earlier record hashes are remembered to tell "moved" from "removed" at a broken link.
    private const int RecentWindow = 4096;

    private readonly List<AuditCheckpoint> _checkpoints;
    private readonly bool[] _signatureValid;
    private readonly AuditVerificationOptions _options;
    private readonly List<int> _valid = []; // indexes of validly signed checkpoints, by sequence
    private readonly Dictionary<long, AuditCheckpoint> _validAt = [];
    private readonly HashSet<long> _invalidAt = [];
    private readonly Dictionary<long, List<byte[]>> _anchors = [];
    private readonly HashSet<long> _anchorsSeen = [];
    private int _nextValid;
    private AuditCheckpoint? _cover; // the last validly signed checkpoint at or before the current record
    private AuditRecord? _tailFirst; // the first record after _cover (null while the walk is at _cover)
    private long _tailDeadlineMicroseconds;
    private long _tailExpected;
    private bool _truncated;
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

    public ChainWalker(IEnumerable<AuditCheckpoint> checkpoints, AuditVerificationKey key, AuditVerificationOptions options)
    {
        _options = options;
        foreach (AuditAnchor anchor in options.Anchors)
        {
            if (!_anchors.TryGetValue(anchor.Sequence, out List<byte[]>? hashes))
            {
                _anchors[anchor.Sequence] = hashes = [];
            }

            if (!hashes.Exists(h => h.AsSpan().SequenceEqual(anchor.ChainHash)))
            {
                hashes.Add(anchor.ChainHash);
            }
        }

        _checkpoints = [.. checkpoints.OrderBy(c => c.Sequence)];
        _signatureValid = new bool[_checkpoints.Count];
        for (int i = 0; i < _checkpoints.Count; i++)
        {
            AuditCheckpoint c = _checkpoints[i];
            if (c.KeyId != key.KeyId)
            {
                _invalidAt.Add(c.Sequence);
                Add(_signatureBreaks, c.Sequence, AuditBreakKind.CheckpointSignatureInvalid,
                    $"the checkpoint claims to be signed by key {Printable(c.KeyId)}, not by the audit key {key.KeyId}");
            }
            else if (c.ChainHash.Length != ChainHashing.HashSize || !key.Verify(ChainHashing.CheckpointMessage(c), c.Signature))
            {
                _invalidAt.Add(c.Sequence);
                Add(_signatureBreaks, c.Sequence, AuditBreakKind.CheckpointSignatureInvalid,
                    "the checkpoint's signature does not verify under the audit key: it was forged or altered");
            }
            else
            {
                _signatureValid[i] = true;
                _valid.Add(i);
                _validAt.TryAdd(c.Sequence, c);
            }
        }

        CheckCheckpointChain();
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
        TrackTail(record);
        CheckAnchor(record);
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
                _truncated = true;
                break;
            }
        }

        CheckAnchorsPastTheEnd();
        if (!_truncated)
        {
            CheckTail();
        }

        var ordered = _signatureBreaks.Concat(_breaks).OrderBy(b => b.Sequence).Take(AuditVerifier.MaxReportedBreaks)
            .Select(b => new AuditBreak(b.Sequence, b.Kind, b.Description)).ToList();
        return new AuditVerificationReport(_count, _lastSequence, _checkpoints.Count, _lastGoodCheckpoint, ordered, _totalBreaks,
            TailPolicy(), _options.Anchors.Count);
    }

    // Each chained checkpoint names its predecessor (sequence and digest); it must be the validly signed checkpoint
    // stored before it. One deleted from the middle leaves its successor naming a checkpoint that is not there.
    // Checkpoints with a bad signature are reported already and left out of the chain: a successor naming one of
    // those adds nothing.
    private void CheckCheckpointChain()
    {
        AuditCheckpoint? previous = null;
        byte[] previousDigest = AuditCheckpointEncoding.GenesisDigest();
        foreach (int i in _valid)
        {
            AuditCheckpoint c = _checkpoints[i];
            if (c.IsChained)
            {
                long named = c.PreviousSequence!.Value;
                long stored = previous?.Sequence ?? 0;
                bool linked = named == stored && c.PreviousDigest!.AsSpan().SequenceEqual(previousDigest);
                bool explained = _invalidAt.Contains(named) && !_validAt.ContainsKey(named);
                if (!linked && !explained)
                {
                    if (named > stored)
                    {
                        Add(named, AuditBreakKind.MissingCheckpoint,
                            $"the signed checkpoint at record {named} is missing: the checkpoint at record {c.Sequence} names it as the one before it" +
                            (previous is null ? "" : $" (the log's previous checkpoint is at record {stored})") + ": signed checkpoints were deleted");
                    }
                    else if (named == stored)
                    {
                        Add(named, AuditBreakKind.MissingCheckpoint,
                            $"the checkpoint at record {named} is not the one the checkpoint at record {c.Sequence} names as the one before it: it was replaced");
                    }
                    else
                    {
                        Add(stored, AuditBreakKind.MissingCheckpoint,
                            $"the checkpoint at record {c.Sequence} names the one at record {named} as the one before it, not the one at record {stored}: the checkpoints do not form one chain");
                    }
                }
            }

            previous = c;
            previousDigest = ChainHashing.CheckpointDigest(c);
        }
    }

    // Follows which validly signed checkpoint covers the walk's position, and the uncovered records after it: the
    // first one (its age bounds the tail) and the last one a timer checkpoint would have covered at the latest.
    private void TrackTail(AuditRecord record)
    {
        while (_nextValid < _valid.Count && _checkpoints[_valid[_nextValid]].Sequence <= record.Sequence)
        {
            _cover = _checkpoints[_valid[_nextValid]];
            _tailFirst = null;
            _nextValid++;
        }

        if (record.Sequence <= (_cover?.Sequence ?? 0))
        {
            return;
        }

        long timestamp = AuditTime.ToMicroseconds(record.Timestamp);
        if (_tailFirst is null)
        {
            _tailFirst = record;
            _tailDeadlineMicroseconds = timestamp + TailPolicy().PeriodMicroseconds;
            _tailExpected = record.Sequence;
        }
        else if (timestamp <= _tailDeadlineMicroseconds)
        {
            _tailExpected = record.Sequence;
        }
    }

    private AuditCheckpointPolicy TailPolicy() => _cover?.Policy ?? _options.Policy;

    // The records after the last checkpoint are bounded by its policy: fewer than its interval, none older than its
    // period (and the tolerance) while the server runs, none once it has stopped. More means checkpoints that were
    // signed are gone.
    private void CheckTail()
    {
        if (_tailFirst is null)
        {
            return;
        }

        AuditCheckpointPolicy policy = TailPolicy();
        long covered = _cover?.Sequence ?? 0;
        string what = _cover is null
            ? $"no signed checkpoint covers records {_tailFirst.Sequence} to {_lastSequence}"
            : $"no signed checkpoint covers records {_tailFirst.Sequence} to {_lastSequence}, after the one at record {covered}";
        string policyText = _cover?.Policy is null ? $"the configured policy ({policy})" : $"its signed policy ({policy})";
        if (_lastSequence - covered >= policy.Interval)
        {
            long due = covered + policy.Interval;
            Add(due, AuditBreakKind.MissingCheckpoint,
                $"{what}, but {policyText} signs one at record {due} at the latest: signed checkpoints were deleted");
            return;
        }

        if (_options.ServerStopped)
        {
            Add(_lastSequence, AuditBreakKind.MissingCheckpoint,
                $"{what}, but the audit server signs one at shutdown and is stopped: the last checkpoints were deleted (or the server did not stop cleanly)");
            return;
        }

        DateTimeOffset now = _options.Now ?? DateTimeOffset.UtcNow;
        TimeSpan age = now - _tailFirst.Timestamp;
        if (age > policy.Period + _options.ClockTolerance)
        {
            Add(_tailExpected, AuditBreakKind.MissingCheckpoint,
                $"{what}; the oldest of them is {Describe(age)} old, but {policyText} signs one within {AuditCheckpointPolicy.Describe(policy.Period)} " +
                $"while records arrive, by record {_tailExpected} at the latest: signed checkpoints were deleted " +
                "(or the audit server stopped without signing one, e.g. it was killed, and has not run since: it signs one when it starts)");
        }
    }

    // A trusted copy says record s had this chain hash and was checkpointed: the record must hash to it, and the
    // checkpoint must still be there.
    private void CheckAnchor(AuditRecord record)
    {
        if (!_anchors.TryGetValue(record.Sequence, out List<byte[]>? hashes) || !_anchorsSeen.Add(record.Sequence))
        {
            return;
        }

        foreach (byte[] expected in hashes)
        {
            if (!expected.AsSpan().SequenceEqual(record.RecordHash))
            {
                Add(record.Sequence, AuditBreakKind.AnchorMismatch,
                    $"the record's hash is not the chain hash of the trusted checkpoint copy at record {record.Sequence}: the log up to here was rewritten");
            }
            else if (!_validAt.TryGetValue(record.Sequence, out AuditCheckpoint? signed) || !signed.ChainHash.AsSpan().SequenceEqual(expected))
            {
                Add(record.Sequence, AuditBreakKind.MissingCheckpoint,
                    $"a trusted copy holds a checkpoint signed at record {record.Sequence}, but the log has no valid checkpoint there: it was deleted");
            }
        }
    }

    // Anchors past the last record: the log once reached them.
    private void CheckAnchorsPastTheEnd()
    {
        long furthest = _anchors.Keys.Where(s => s > _lastSequence).DefaultIfEmpty(0).Max();
        if (furthest > 0 && !_truncated)
        {
            long cut = _lastSequence + 1;
            Add(cut, AuditBreakKind.TruncatedTail,
                $"the log ends at record {_lastSequence}, but a trusted checkpoint copy covers records up to {furthest}: records {cut} to {furthest} (at least) were cut off");
            _truncated = true;
        }
    }

    private static string Describe(TimeSpan age) =>
        age.TotalDays >= 2 ? $"{age.TotalDays:0} days" : age.TotalHours >= 2 ? $"{age.TotalHours:0} hours" : age.TotalMinutes >= 2 ? $"{age.TotalMinutes:0} minutes" : $"{age.TotalSeconds:0} s";

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
