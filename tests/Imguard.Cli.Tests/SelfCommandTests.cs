namespace Imguard.Cli.Tests;

public sealed class SelfCommandTests
{
    private static readonly string[] Arguments = ["bench", "party", "--id", "0"];

    [Theory]
    [InlineData("/usr/share/dotnet/dotnet")]
    [InlineData("/usr/lib/dotnet/dotnet")]
    public void Under_the_dotnet_host_the_child_gets_the_assembly_before_its_arguments(string host)
    {
        var start = SelfCommand.StartInfo(host, "/opt/imguard/imguard.dll", Arguments);
        Assert.Equal(host, start.FileName);
        Assert.Equal(["/opt/imguard/imguard.dll", .. Arguments], start.ArgumentList);
        Assert.False(start.UseShellExecute);
    }

    [Theory]
    [InlineData("/opt/imguard/imguard")]
    [InlineData("/home/someone/src/bin/Release/net10.0/imguard")]
    public void From_the_apphost_the_child_is_the_same_executable_with_the_arguments_only(string apphost)
    {
        var start = SelfCommand.StartInfo(apphost, "/opt/imguard/imguard.dll", Arguments);
        Assert.Equal(apphost, start.FileName);
        Assert.Equal(Arguments, start.ArgumentList);
    }

    [Fact]
    public void A_single_file_build_has_no_assembly_path_and_needs_none()
    {
        var start = SelfCommand.StartInfo("/opt/imguard/imguard", string.Empty, Arguments);
        Assert.Equal(Arguments, start.ArgumentList);
    }

    [Fact]
    public void Without_a_host_path_or_under_dotnet_without_an_assembly_it_refuses()
    {
        Assert.Throws<InvalidOperationException>(() => SelfCommand.StartInfo(null, "/opt/imguard/imguard.dll", Arguments));
        Assert.Throws<InvalidOperationException>(() => SelfCommand.StartInfo("/usr/bin/dotnet", string.Empty, Arguments));
    }

    [Fact]
    public void In_this_process_the_host_is_dotnet_and_the_assembly_is_imguard_dll()
    {
        // The test host runs under `dotnet` like `dotnet imguard.dll` does: the path taken by issue 16's item 6.
        var start = SelfCommand.StartInfo(Arguments);
        Assert.Equal(Environment.ProcessPath, start.FileName);
        Assert.Equal("imguard.dll", Path.GetFileName(start.ArgumentList[0]));
        Assert.True(File.Exists(start.ArgumentList[0]));
        Assert.Equal(Arguments, start.ArgumentList.Skip(1));
    }
}
