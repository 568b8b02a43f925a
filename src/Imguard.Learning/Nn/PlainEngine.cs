using Imguard.Mpc.Ring;

namespace Imguard.Learning.Nn;

/// <summary>The plaintext reference engine, in double precision.</summary>
public sealed class PlainEngine : ITensorEngine<PlainTensor>
{
    public static PlainEngine Instance { get; } = new();

    public int[] ShapeOf(PlainTensor x) => x.Shape.ToArray();

    public PlainTensor Reshape(PlainTensor x, params int[] shape) => new(x.Data, shape);

    public PlainTensor ZerosLike(PlainTensor x) => new(x.Shape.ToArray());

    public PlainTensor Add(PlainTensor a, PlainTensor b) => Zip(a, b, static (p, q) => p + q, "Add");

    public PlainTensor Subtract(PlainTensor a, PlainTensor b) => Zip(a, b, static (p, q) => p - q, "Subtract");

    public PlainTensor AddRow(PlainTensor matrix, PlainTensor row)
    {
        int m = matrix.Dimension(0), n = matrix.Dimension(1);
        RequireShape("AddRow", [n], row.Shape);
        var z = matrix.Clone();
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                z.Data[i * n + j] += row.Data[j];
            }
        }
        return z;
    }

    public PlainTensor SumRows(PlainTensor matrix)
    {
        int m = matrix.Dimension(0), n = matrix.Dimension(1);
        var z = new PlainTensor(n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                z.Data[j] += matrix.Data[i * n + j];
            }
        }
        return z;
    }

    public PlainTensor Transpose(PlainTensor matrix)
    {
        int m = matrix.Dimension(0), n = matrix.Dimension(1);
        var z = new PlainTensor(n, m);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                z.Data[j * m + i] = matrix.Data[i * n + j];
            }
        }
        return z;
    }

    public ValueTask<PlainTensor> MatMulAsync(PlainTensor a, PlainTensor b, CancellationToken cancellationToken)
    {
        int m = a.Dimension(0), k = a.Dimension(1), n = b.Dimension(1);
        RequireShape("MatMul", [k, n], b.Shape);
        var z = new PlainTensor(m, n);
        for (int i = 0; i < m; i++)
        {
            var row = z.Data.AsSpan(i * n, n);
            for (int p = 0; p < k; p++)
            {
                double x = a.Data[i * k + p];
                if (x != 0)
                {
                    AddScaled(row, b.Data.AsSpan(p * n, n), x);   // row += x · B[p, :]
                }
            }
        }
        return ValueTask.FromResult(z);
    }

    public ValueTask<PlainTensor> ConvolveAsync(PlainTensor images, PlainTensor filters, Conv2dGeometry geometry, CancellationToken cancellationToken) =>
        MatMulAsync(Im2Col(images, geometry), filters, cancellationToken);

    public ValueTask<PlainTensor> ConvolutionFilterGradientAsync(PlainTensor images, PlainTensor outputRows, Conv2dGeometry geometry, CancellationToken cancellationToken) =>
        MatMulAsync(Transpose(Im2Col(images, geometry)), outputRows, cancellationToken);

    public async ValueTask<PlainTensor> ConvolutionInputGradientAsync(
        PlainTensor outputRows, PlainTensor filters, Conv2dGeometry geometry, int batch, CancellationToken cancellationToken) =>
        Col2Im(await MatMulAsync(outputRows, filters, cancellationToken).ConfigureAwait(false), geometry, batch);

    public PlainTensor Im2Col(PlainTensor images, Conv2dGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        int batch = images.Dimension(0), oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth, c = geometry.Channels, h = geometry.Height, w = geometry.Width;
        var z = new PlainTensor(batch * oh * ow, geometry.PatchSize);
        for (int n = 0; n < batch; n++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int row = (n * oh + oy) * ow + ox;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * geometry.Stride - geometry.Padding + ky, ix = ox * geometry.Stride - geometry.Padding + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                {
                    z.Data[row * geometry.PatchSize + (ch * kh + ky) * kw + kx] = images.Data[((n * c + ch) * h + iy) * w + ix];
                }
            }
        }
        return z;
    }

    public PlainTensor Col2Im(PlainTensor columns, Conv2dGeometry geometry, int batch)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        int oh = geometry.OutputHeight, ow = geometry.OutputWidth;
        int kh = geometry.KernelHeight, kw = geometry.KernelWidth, c = geometry.Channels, h = geometry.Height, w = geometry.Width;
        var z = new PlainTensor(batch, c, h, w);
        for (int n = 0; n < batch; n++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            int row = (n * oh + oy) * ow + ox;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * geometry.Stride - geometry.Padding + ky, ix = ox * geometry.Stride - geometry.Padding + kx;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                {
                    z.Data[((n * c + ch) * h + iy) * w + ix] += columns.Data[row * geometry.PatchSize + (ch * kh + ky) * kw + kx];
                }
            }
        }
        return z;
    }

    public PlainTensor PixelRowsToImages(PlainTensor rows, int batch, int height, int width, PlainTensor? channelBias = null)
    {
        int c = rows.Dimension(1), pixels = height * width;
        if (channelBias is not null && (channelBias.Shape.Length != 1 || channelBias.Dimension(0) != c))
        {
            throw LearningError.ShapeMismatch("PixelRowsToImages bias", [c], channelBias.Shape.ToArray());
        }
        var z = new PlainTensor(batch, c, height, width);
        for (int n = 0; n < batch; n++)
        for (int p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++)
        {
            z.Data[(n * c + ch) * pixels + p] = rows.Data[(n * pixels + p) * c + ch] + (channelBias?.Data[ch] ?? 0);
        }
        return z;
    }

    public PlainTensor ImagesToPixelRows(PlainTensor images)
    {
        int batch = images.Dimension(0), c = images.Dimension(1), pixels = images.Dimension(2) * images.Dimension(3);
        var z = new PlainTensor(batch * pixels, c);
        for (int n = 0; n < batch; n++)
        for (int p = 0; p < pixels; p++)
        for (int ch = 0; ch < c; ch++)
        {
            z.Data[(n * pixels + p) * c + ch] = images.Data[(n * c + ch) * pixels + p];
        }
        return z;
    }

    public ValueTask<PlainTensor> AvgPool2dAsync(PlainTensor images, int kernelSize, int stride, CancellationToken cancellationToken)
    {
        var windows = PoolWindows.Of(images.Shape, kernelSize, stride);
        var z = new PlainTensor(windows.OutputShape);
        double scale = 1.0 / (kernelSize * kernelSize);
        windows.ForEach((o, i) => z.Data[o] += images.Data[i] * scale);
        return ValueTask.FromResult(z);
    }

    public ValueTask<PlainTensor> AvgPool2dBackwardAsync(PlainTensor outputGradient, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken)
    {
        var windows = PoolWindows.Of(inputShape, kernelSize, stride);
        var z = new PlainTensor(inputShape);
        double scale = 1.0 / (kernelSize * kernelSize);
        windows.ForEach((o, i) => z.Data[i] += outputGradient.Data[o] * scale);
        return ValueTask.FromResult(z);
    }

    public ValueTask<(PlainTensor Output, PlainTensor Selection)> MaxPool2dAsync(PlainTensor images, int kernelSize, int stride, CancellationToken cancellationToken)
    {
        var windows = PoolWindows.Of(images.Shape, kernelSize, stride);
        var bestSlot = new int[windows.OutputLength];
        var bestInput = new int[windows.OutputLength];
        Array.Fill(bestSlot, -1);
        windows.ForEach((o, slot, i) =>
        {
            if (bestSlot[o] < 0 || images.Data[i] > images.Data[bestInput[o]])                 // strict: the first maximum stays
            {
                (bestSlot[o], bestInput[o]) = (slot, i);
            }
        });
        var z = new PlainTensor(windows.OutputShape);
        var selection = new PlainTensor(windows.SelectionShape);
        for (int o = 0; o < z.Length; o++)
        {
            z.Data[o] = images.Data[bestInput[o]];
            selection.Data[bestSlot[o]] = 1;
        }
        return ValueTask.FromResult((z, selection));
    }

    public ValueTask<PlainTensor> MaxPool2dBackwardAsync(
        PlainTensor outputGradient, PlainTensor selection, int[] inputShape, int kernelSize, int stride, CancellationToken cancellationToken)
    {
        var windows = PoolWindows.Of(inputShape, kernelSize, stride);
        RequireShape("MaxPool2dBackward (output gradient)", windows.OutputShape, outputGradient.Shape);
        RequireShape("MaxPool2dBackward (selection)", windows.SelectionShape, selection.Shape);
        var z = new PlainTensor(inputShape);
        windows.ForEach((o, slot, i) => z.Data[i] += outputGradient.Data[o] * selection.Data[slot]);
        return ValueTask.FromResult(z);
    }

    public ValueTask<(PlainTensor Output, PlainTensor Derivative)> ReluAsync(PlainTensor x, CancellationToken cancellationToken)
    {
        var y = new PlainTensor(x.Shape.ToArray());
        var d = new PlainTensor(x.Shape.ToArray());
        for (int i = 0; i < x.Length; i++)
        {
            bool positive = x.Data[i] >= 0;
            y.Data[i] = positive ? x.Data[i] : 0;
            d.Data[i] = positive ? 1 : 0;
        }
        return ValueTask.FromResult((y, d));
    }

    public ValueTask<PlainTensor> MultiplyByDerivativeAsync(PlainTensor x, PlainTensor derivative, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Zip(x, derivative, static (p, q) => p * q, "MultiplyByDerivative"));

    public async ValueTask<PlainTensor[]> ScaleEachAsync(IReadOnlyList<(PlainTensor Value, double Factor)> terms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var results = new PlainTensor[terms.Count];
        for (int i = 0; i < terms.Count; i++)
        {
            results[i] = await ScaleAsync(terms[i].Value, terms[i].Factor, cancellationToken).ConfigureAwait(false);
        }
        return results;
    }

    public ValueTask<PlainTensor> ScaleAsync(PlainTensor x, double factor, CancellationToken cancellationToken)
    {
        var z = new PlainTensor(x.Shape.ToArray());
        for (int i = 0; i < x.Length; i++)
        {
            z.Data[i] = x.Data[i] * factor;
        }
        return ValueTask.FromResult(z);
    }

    public ValueTask<PlainTensor> SoftmaxAsync(PlainTensor logits, CancellationToken cancellationToken)
    {
        int n = logits.Shape[^1], rows = logits.Length / Math.Max(n, 1);
        var z = new PlainTensor(logits.Shape.ToArray());
        for (int r = 0; r < rows; r++)
        {
            var row = logits.Data.AsSpan(r * n, n);
            double max = double.NegativeInfinity;
            foreach (double v in row)
            {
                max = Math.Max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                z.Data[r * n + j] = Math.Exp(row[j] - max);
                sum += z.Data[r * n + j];
            }
            for (int j = 0; j < n; j++)
            {
                z.Data[r * n + j] /= sum;
            }
        }
        return ValueTask.FromResult(z);
    }

    /// <summary>destination += factor · source, in SIMD lanes (the reference must be fast enough for real data sets).</summary>
    private static void AddScaled(Span<double> destination, ReadOnlySpan<double> source, double factor)
    {
        int j = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var f = new System.Numerics.Vector<double>(factor);
            int width = System.Numerics.Vector<double>.Count;
            for (; j <= destination.Length - width; j += width)
            {
                var d = new System.Numerics.Vector<double>(destination[j..]);
                (d + f * new System.Numerics.Vector<double>(source[j..])).CopyTo(destination[j..]);
            }
        }
        for (; j < destination.Length; j++)
        {
            destination[j] += factor * source[j];
        }
    }

    private static PlainTensor Zip(PlainTensor a, PlainTensor b, Func<double, double, double> op, string what)
    {
        RequireShape(what, a.Shape, b.Shape);
        var z = new PlainTensor(a.Shape.ToArray());
        for (int i = 0; i < a.Length; i++)
        {
            z.Data[i] = op(a.Data[i], b.Data[i]);
        }
        return z;
    }

    private static void RequireShape(string what, ReadOnlySpan<int> expected, ReadOnlySpan<int> actual)
    {
        if (!expected.SequenceEqual(actual))
        {
            throw LearningError.ShapeMismatch(what, expected, actual);
        }
    }
}
