namespace Imguard.Learning.Nn;

/// <summary>A dense row-major tensor of doubles: the plaintext reference every secure computation is tested against.</summary>
public sealed class PlainTensor
{
    private readonly int[] _shape;

    public PlainTensor(params int[] shape) : this(new double[Size(shape)], shape) { }

    public PlainTensor(double[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != Size(shape))
        {
            throw LearningError.InvalidArgument($"{data.Length} values do not fill a tensor of shape [{string.Join(", ", shape)}].");
        }
        Data = data;
        _shape = (int[])shape.Clone();
    }

    public double[] Data { get; }

    public ReadOnlySpan<int> Shape => _shape;

    public int Length => Data.Length;

    public int Dimension(int axis) => _shape[axis];

    public PlainTensor Clone() => new((double[])Data.Clone(), _shape);

    internal static int Size(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw LearningError.InvalidArgument($"Negative dimension in [{string.Join(", ", shape.ToArray())}].");
            }
            size = checked(size * d);
        }
        return checked((int)size);
    }
}
