using System.Buffers;
using System.Diagnostics;
using System.Numerics;

namespace Imguard.Mpc.Ring;

/// <summary>
/// The register-blocked micro-kernel of a matrix product: <see cref="BlockRows"/> rows of A times one packed panel of B,
/// <see cref="PanelWidth"/> columns wide, accumulated in registers over the whole depth.
/// </summary>
internal unsafe interface IGemmKernel<T>
    where T : unmanaged
{
    /// <summary>Columns in one packed panel of B (a multiple of the vector width).</summary>
    static abstract int PanelWidth { get; }

    /// <summary>Rows of A the block kernel handles at once.</summary>
    static abstract int BlockRows { get; }

    /// <summary>c[r, j] (+)= sum_p a[r * lda + p] * panel[p * PanelWidth + j] for r &lt; BlockRows, j &lt; PanelWidth.</summary>
    static abstract void Block(T* a, nint lda, T* panel, nint depth, T* c, nint ldc, bool accumulate);

    /// <summary>The same for a single row of A.</summary>
    static abstract void Row(T* a, T* panel, nint depth, T* c, bool accumulate);
}

/// <summary>
/// A cache- and register-blocked matrix product c (+)= a · b over row-major operands, shared by the ring and the float
/// products so that both are optimised alike. B is packed into contiguous panels <c>PanelWidth</c> columns wide (zero
/// padded on the right) from <see cref="ArrayPool{T}"/>, so the micro-kernel streams it with unit stride; A is read in
/// place, <c>BlockRows</c> rows at a time, one broadcast per element. Large products are split into tiles of (row block,
/// panel) over <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>.
/// </summary>
internal static unsafe class PackedGemm<T, TKernel>
    where T : unmanaged, IAdditionOperators<T, T, T>
    where TKernel : IGemmKernel<T>
{
    /// <summary>Products below this many multiply-adds run on the calling thread: threading would cost more than it saves.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>Depth of one pass: 8 rows of A (8 × 256 × 8 bytes = 16 KiB) stay in L1 while the panels stream by.</summary>
    private const int DepthChunk = 256;

    public static void Run(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate, int maxDegreeOfParallelism)
    {
        if (m == 0 || n == 0)
        {
            return;
        }
        if (k == 0)
        {
            if (!accumulate)
            {
                c.Clear();
            }
            return;
        }

        int nr = TKernel.PanelWidth;
        int mr = TKernel.BlockRows;
        int panels = (n + nr - 1) / nr;
        long packedLength = (long)panels * k * nr;
        if (packedLength > Array.MaxLength)
        {
            throw MpcError.InvalidShape($"A product with k = {k}, n = {n} needs a packed buffer larger than an array can hold.");
        }

        int threads = maxDegreeOfParallelism == -1 ? Environment.ProcessorCount : maxDegreeOfParallelism;
        if ((long)m * n * k < ParallelThreshold)
        {
            threads = 1;
        }

        // Tiles: row blocks (multiples of the kernel's rows) × panel groups. Rows are split first, so that each thread
        // reads its rows of A once per depth chunk; panels are split only when there are too few row blocks.
        int rowUnits = (m + mr - 1) / mr;
        int rowBlocks = threads == 1 ? 1 : Math.Min(rowUnits, 2 * threads);
        int rowsPerBlock = (rowUnits + rowBlocks - 1) / rowBlocks * mr;
        rowBlocks = (m + rowsPerBlock - 1) / rowsPerBlock;
        int panelGroups = threads == 1 ? 1 : Math.Clamp((2 * threads + rowBlocks - 1) / rowBlocks, 1, panels);
        int panelsPerGroup = (panels + panelGroups - 1) / panelGroups;
        panelGroups = (panels + panelsPerGroup - 1) / panelsPerGroup;
        var layout = new TileLayout(m, k, n, accumulate, panels, rowsPerBlock, panelGroups, panelsPerGroup);
        int tiles = rowBlocks * panelGroups;

        T[] packed = ArrayPool<T>.Shared.Rent((int)packedLength);
        try
        {
            fixed (T* pa = a, pb = b, pc = c, pp = packed)
            {
                if (threads == 1)
                {
                    for (int panel = 0; panel < panels; panel++)
                    {
                        PackPanel(pb, pp, k, n, panel);
                    }
                    for (int tile = 0; tile < tiles; tile++)
                    {
                        RunTile(pa, pp, pc, layout, tile);
                    }
                }
                else
                {
                    nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc, ip = (nint)pp;
                    var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
                    Parallel.For(0, panels, options, panel => PackPanel((T*)ib, (T*)ip, k, n, panel));
                    Parallel.For(0, tiles, options, tile => RunTile((T*)ia, (T*)ip, (T*)ic, layout, tile));
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packed);
        }
    }

    /// <summary>How a product is cut into tiles; see <see cref="Run"/>.</summary>
    private readonly record struct TileLayout(int M, int K, int N, bool Accumulate, int Panels, int RowsPerBlock, int PanelGroups, int PanelsPerGroup);

    /// <summary>Copies columns [panel·NR, panel·NR + NR) of b (k × n) into packed[panel·k·NR ...] as k rows of NR, zero padded.</summary>
    private static void PackPanel(T* b, T* packed, int k, int n, int panel)
    {
        int nr = TKernel.PanelWidth;
        int j0 = panel * nr;
        int width = Math.Min(nr, n - j0);
        T* dst = packed + (nint)panel * k * nr;
        T* src = b + j0;
        if (width == nr)
        {
            nuint bytes = (nuint)(nr * sizeof(T));
            for (int p = 0; p < k; p++)
            {
                Buffer.MemoryCopy(src, dst, bytes, bytes);
                src += n;
                dst += nr;
            }
            return;
        }
        for (int p = 0; p < k; p++)
        {
            int j = 0;
            for (; j < width; j++)
            {
                dst[j] = src[j];
            }
            for (; j < nr; j++)
            {
                dst[j] = default;
            }
            src += n;
            dst += nr;
        }
    }

    /// <summary>
    /// One tile: for each depth chunk of at most <see cref="DepthChunk"/>, for each kernel row block, for each panel in the tile's
    /// group. The chunk keeps the kernel's rows of A in L1 and the chunk of packed B in L2; the first chunk overwrites c
    /// (unless accumulating), later chunks add to it.
    /// </summary>
    private static void RunTile(T* a, T* packed, T* c, TileLayout t, int tile)
    {
        int nr = TKernel.PanelWidth;
        int mr = TKernel.BlockRows;
        int i0 = tile / t.PanelGroups * t.RowsPerBlock;
        int i1 = Math.Min(t.M, i0 + t.RowsPerBlock);
        int panel0 = tile % t.PanelGroups * t.PanelsPerGroup;
        int panel1 = Math.Min(t.Panels, panel0 + t.PanelsPerGroup);
        Debug.Assert(i0 < i1 && panel0 < panel1);

        T* scratch = stackalloc T[mr * nr];
        int chunks = (t.K + DepthChunk - 1) / DepthChunk;
        int chunkDepth = (t.K + chunks - 1) / chunks; // balanced, so that no chunk is a short remainder
        for (int p0 = 0; p0 < t.K; p0 += chunkDepth)
        {
            int depth = Math.Min(chunkDepth, t.K - p0);
            bool accumulate = t.Accumulate || p0 > 0;
            int i = i0;
            for (; i + mr <= i1; i += mr)
            {
                T* ai = a + (nint)i * t.K + p0;
                for (int panel = panel0; panel < panel1; panel++)
                {
                    int j0 = panel * nr;
                    int width = Math.Min(nr, t.N - j0);
                    T* bp = packed + ((nint)panel * t.K + p0) * nr;
                    T* ci = c + (nint)i * t.N + j0;
                    if (width == nr)
                    {
                        TKernel.Block(ai, t.K, bp, depth, ci, t.N, accumulate);
                    }
                    else
                    {
                        TKernel.Block(ai, t.K, bp, depth, scratch, nr, accumulate: false);
                        StoreEdge(scratch, nr, ci, t.N, mr, width, accumulate);
                    }
                }
            }
            for (; i < i1; i++)
            {
                T* ai = a + (nint)i * t.K + p0;
                for (int panel = panel0; panel < panel1; panel++)
                {
                    int j0 = panel * nr;
                    int width = Math.Min(nr, t.N - j0);
                    T* bp = packed + ((nint)panel * t.K + p0) * nr;
                    T* ci = c + (nint)i * t.N + j0;
                    if (width == nr)
                    {
                        TKernel.Row(ai, bp, depth, ci, accumulate);
                    }
                    else
                    {
                        TKernel.Row(ai, bp, depth, scratch, accumulate: false);
                        StoreEdge(scratch, nr, ci, t.N, 1, width, accumulate);
                    }
                }
            }
        }
    }

    private static void StoreEdge(T* scratch, int lds, T* c, int ldc, int rows, int width, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            T* s = scratch + (nint)r * lds;
            T* d = c + (nint)r * ldc;
            for (int j = 0; j < width; j++)
            {
                d[j] = accumulate ? d[j] + s[j] : s[j];
            }
        }
    }
}
