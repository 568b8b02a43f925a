using System.Buffers.Binary;
using System.Security.Cryptography;
using Imguard.Contracts.Shares;

namespace Imguard.Contracts.Tests.Shares;

/// <summary>
/// Version 2 of the share file carries the owner's public key inside the canonical header (issue 17, item 4): it
/// round-trips, the half digest pins it (so a half whose key was swapped no longer matches what the owner registered),
/// and a malformed key area is refused before anything is read. Version 1 files still read (the other Shares tests).
/// </summary>
public sealed class ShareFileOwnerKeyTests
{
    private static readonly byte[] OwnerKey = NewKey(ECCurve.NamedCurves.nistP256);

    private static ShareFileHeader Header(byte[]? key = null, SharePayloadKind kind = SharePayloadKind.Tensor, int party = 1) =>
        new("ds-owned", party, kind, fractionalBits: 16, channels: 1, height: 3, width: 4, classes: 3, exampleCount: 5, chunkSize: 64,
            ownerKey: key ?? OwnerKey);

    [Fact]
    public async Task A_half_with_an_owner_key_is_version_2_and_reads_back_with_its_key()
    {
        ShareFileHeader header = Header();
        ulong[] rows = ShareFiles.Rows(header, seed: 3);
        (byte[] file, HalfDigest written) = await ShareFiles.WriteAsync(header, rows);

        Assert.Equal(2, header.Version);
        Assert.Equal(ShareFileFormat.HeaderSizeV2, header.ToBytes().Length);
        Assert.Equal(ShareFileFormat.HeaderSizeV2 + rows.Length * 8 + 32 * header.ChunkCount, file.Length);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)));

        await using (var reader = await ShareFileReader.OpenAsync(new MemoryStream(file)))
        {
            Assert.Equal(OwnerKey, reader.Header.OwnerKey);
            Assert.Equal(written, await reader.VerifyAsync());
        }
        Assert.Equal(rows, await ShareFiles.ReadAllAsync(file));
        // The digest is SHA-256 of the 248-byte canonical header and the chunk hashes, as in version 1 with its 112.
        long trailer = header.TrailerOffset;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. file.AsSpan(0, ShareFileFormat.CanonicalHeaderSizeV2), .. file.AsSpan((int)trailer)])),
            written.ToHex());
    }

    [Fact]
    public async Task A_seed_half_carries_the_key_too()
    {
        ShareFileHeader header = Header(kind: SharePayloadKind.Seed, party: 0);
        (byte[] file, _) = await ShareFiles.WriteSeedAsync(header, RandomNumberGenerator.GetBytes(16));
        Assert.Equal(ShareFileFormat.HeaderSizeV2 + 16 + 32 * header.ChunkCount, file.Length);
        Assert.Equal(OwnerKey, (await ShareFileReader.ReadHeaderAsync(new MemoryStream(file))).OwnerKey);
    }

    [Fact]
    public async Task The_half_digest_pins_the_owner_key()
    {
        ShareFileHeader header = Header();
        ulong[] rows = ShareFiles.Rows(header, seed: 4);
        (_, HalfDigest mine) = await ShareFiles.WriteAsync(header, rows);
        (byte[] swapped, HalfDigest other) = await ShareFiles.WriteAsync(Header(NewKey(ECCurve.NamedCurves.nistP256)), rows);
        (_, HalfDigest none) = await ShareFiles.WriteAsync(ShareFiles.Header(count: 5, id: "ds-owned"), rows);

        Assert.NotEqual(mine, other);
        Assert.NotEqual(mine, none);
        // A party verifying the swapped file computes the swapped digest, which the platform compares with the owner's.
        await using var reader = await ShareFileReader.OpenAsync(new MemoryStream(swapped));
        Assert.Equal(other, await reader.VerifyAsync());
    }

    public static TheoryData<string> BrokenKeyAreas() => ["length 0", "length 129", "padding", "reserved", "not a key", "p384"];

    [Theory]
    [MemberData(nameof(BrokenKeyAreas))]
    public void A_malformed_owner_key_area_is_refused_even_with_a_valid_header_hash(string broken)
    {
        byte[] p384 = NewKey(ECCurve.NamedCurves.nistP384);
        byte[] bytes = ShareFiles.EditedHeader(Header(), b =>
        {
            switch (broken)
            {
                case "length 0": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(112), 0); break;
                case "length 129": BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(112), 129); break;
                case "padding": b[120 + OwnerKey.Length] = 1; break;
                case "reserved": b[116] = 1; break;
                case "not a key": b[125] ^= 0xFF; break;
                case "p384":
                    b.AsSpan(120, 128).Clear();
                    p384.CopyTo(b.AsSpan(120));
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(112), (ushort)p384.Length);
                    break;
            }
        });
        var e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(bytes));
        Assert.Equal(ShareFileErrorKind.InvalidHeader, e.Kind);
    }

    [Fact]
    public void A_version_2_header_cut_short_is_refused_by_its_own_length()
    {
        byte[] bytes = Header().ToBytes();
        var e = Assert.Throws<ShareFileException>(() => ShareFileHeader.Parse(bytes.AsSpan(0, 200)));
        Assert.Contains("(280 bytes)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_2_file_truncated_anywhere_is_refused()
    {
        ShareFileHeader header = Header();
        (byte[] file, _) = await ShareFiles.WriteAsync(header, ShareFiles.Rows(header, seed: 5));
        for (int length = 0; length < file.Length; length++)
        {
            await Assert.ThrowsAsync<ShareFileException>(() => ShareFiles.ReadAllAsync(file[..length]));
        }
    }

    [Fact]
    public void A_key_that_is_not_a_p256_public_key_cannot_make_a_header()
    {
        Assert.Throws<ArgumentException>(() => Header(NewKey(ECCurve.NamedCurves.nistP384)));
        Assert.Throws<ArgumentException>(() => Header([1, 2, 3]));
    }

    private static byte[] NewKey(ECCurve curve)
    {
        using ECDsa key = ECDsa.Create(curve);
        return key.ExportSubjectPublicKeyInfo();
    }
}
