namespace Imguard.Learning.Tests;

public sealed class ProjectSmokeTests
{
    [Fact]
    public void Learning_errors_carry_shapes_not_values() =>
        Assert.Contains("[2, 3]", LearningError.ShapeMismatch("x", [2, 3], [3, 2]).Message, StringComparison.Ordinal);
}
