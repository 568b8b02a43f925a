using Imguard.Contracts.Shares;

namespace Imguard.Contracts;

/// <summary>
/// The one place the contracts library makes its exceptions, so messages stay uniform and never carry a value read
/// from a share: they name ids, offsets, lengths, counts, chunk indices and limits only.
/// </summary>
internal static class ContractsError
{
    public static ShareFileException NotAShareFile(string what) =>
        new(ShareFileErrorKind.NotAShareFile, $"{what} is not an IMGuard share file (bad magic).");

    public static ShareFileException UnsupportedVersion(string what, int version) =>
        new(ShareFileErrorKind.UnsupportedVersion, $"{what} has format version {version}; this build reads versions {ShareFileFormat.Version1} to {ShareFileFormat.NewestVersion}.");

    public static ShareFileException HeaderCorrupt(string what) =>
        new(ShareFileErrorKind.HeaderCorrupt, $"{what} has a corrupt header (header SHA-256 mismatch).");

    public static ShareFileException InvalidHeader(string what, string reason) =>
        new(ShareFileErrorKind.InvalidHeader, $"{what} has an invalid header: {reason}.");

    public static ShareFileException LimitExceeded(string what, string quantity, decimal value, decimal limit) =>
        new(ShareFileErrorKind.LimitExceeded, $"{what} declares {quantity} = {value}; the limit is {limit}.");

    public static ShareFileException LengthMismatch(string what, long expected, long actual) =>
        new(ShareFileErrorKind.LengthMismatch, actual < expected
            ? $"{what} is truncated: its header implies {expected} bytes, the file has {actual}."
            : $"{what} has trailing bytes: its header implies {expected} bytes, the file has {actual}.");

    public static ShareFileException ChunkCorrupt(string what, long chunk, long chunkCount) =>
        new(ShareFileErrorKind.ChunkCorrupt, $"{what} is corrupt: payload chunk {chunk} of {chunkCount} does not match its SHA-256 in the trailer.");

    public static ShareFileException TooShort(string what, long length, int headerSize) =>
        new(ShareFileErrorKind.LengthMismatch, $"{what} is {length} bytes long, shorter than its share file header ({headerSize} bytes).");

    public static ArgumentException InvalidHeaderField(string reason) => new(reason);

    public static ArgumentException StreamNotSeekable(string parameter) =>
        new("Reading a share file needs a seekable stream: the trailer's chunk hashes are read before the payload.", parameter);

    public static ArgumentException StreamNotWritable(string parameter) => new("The output stream is not writable.", parameter);

    public static ArgumentException InvalidLimit(string parameter, string reason) => new(reason, parameter);

    public static ArgumentException LengthMismatchArgument(string parameter, string what, long expected, long actual) =>
        new($"Length mismatch in {what}: expected {expected}, got {actual}.", parameter);

    public static ArgumentException InvalidHex(string parameter, int expectedChars) =>
        new($"A half digest is {expectedChars} hexadecimal characters.", parameter);

    public static InvalidOperationException WrongPayloadKind(SharePayloadKind actual, SharePayloadKind wanted) =>
        new($"This share file's payload is of kind {actual}; the operation needs kind {wanted}.");

    public static InvalidOperationException TooManyScalars(long declared) =>
        new($"More scalars written than the header declares ({declared}).");

    public static InvalidOperationException IncompletePayload(long expected, long written) =>
        new($"The payload is incomplete: the header declares {expected} bytes, {written} were written.");

    public static InvalidOperationException WriterCompleted() =>
        new("The share file is already completed; nothing more can be written.");

    public static InvalidOperationException SeedAlreadyWritten() =>
        new("The seed payload has already been written.");

    public static InvalidOperationException ReaderConsumed() =>
        new("The payload has already been read by this reader; open the file again to read it again.");
}
