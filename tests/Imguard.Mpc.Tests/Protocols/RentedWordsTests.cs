using System.Runtime.InteropServices;
using Imguard.Mpc.Protocols;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>Pooled buffers: one that held shares must go back to the pool wiped, so no later renter reads a share.</summary>
public sealed class RentedWordsTests
{
    [Fact]
    public void A_buffer_rented_for_shares_is_wiped_when_returned()
    {
        var rented = RentedWords.RentForShare(1000);
        Assert.True(MemoryMarshal.TryGetArray<ulong>(rented.Memory, out var segment));
        rented.Span.Fill(0xDEADBEEF);
        rented.Dispose();
        Assert.All(segment.Array!.AsSpan(0, 1000).ToArray(), word => Assert.Equal(0UL, word));
    }

    [Fact]
    public void A_buffer_for_public_values_is_returned_as_it_is_and_has_the_length_asked_for()
    {
        var rented = RentedWords.Rent(1000);
        Assert.Equal(1000, rented.Span.Length);
        Assert.Equal(1000, rented.Memory.Length);
        Assert.True(MemoryMarshal.TryGetArray<ulong>(rented.Memory, out var segment));
        rented.Span.Fill(7);
        rented.Dispose();
        Assert.Equal(7UL, segment.Array![999]);   // masked or public values only: not worth a wipe
    }
}
