namespace Imguard.Learning.Nn;

/// <summary>A trainable tensor with its last gradient and its momentum buffer (all of the engine's tensor type).</summary>
public sealed class Parameter<T>(string name, T value) where T : class
{
    public string Name { get; } = name;

    public T Value { get; set; } = value ?? throw new ArgumentNullException(nameof(value));

    public T? Gradient { get; set; }

    public T? Velocity { get; set; }
}
