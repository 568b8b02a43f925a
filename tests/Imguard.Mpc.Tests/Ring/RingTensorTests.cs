using Imguard.Mpc.Ring;

namespace Imguard.Mpc.Tests.Ring;

public sealed class RingTensorTests
{
    [Fact]
    public void Reshape_keeps_storage_and_rejects_wrong_length()
    {
        var t = new RingTensor(2, 3);
        t.Span[4] = 7;
        var r = t.Reshape(3, 2);
        Assert.Equal(7UL, r.Span[4]);
        Assert.Throws<ArgumentException>(() => t.Reshape(4, 2));
    }

    [Fact]
    public void Constructor_rejects_storage_of_wrong_length() =>
        Assert.Throws<ArgumentException>(() => new RingTensor(new ulong[5], 2, 3));
}
