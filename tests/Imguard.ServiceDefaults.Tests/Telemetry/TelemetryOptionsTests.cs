using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Telemetry;
using OpenTelemetry.Exporter;

namespace Imguard.ServiceDefaults.Tests.Telemetry;

/// <summary>Option beats variable; the metrics endpoint binds loopback only; OTLP is on only when its variable is set.</summary>
public class TelemetryOptionsTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void Nothing_set_means_no_endpoint_no_export_and_text_logs()
    {
        TelemetryOptions options = TelemetryOptions.Resolve(null, null, Environment());
        Assert.Equal(TelemetryOptions.None, options);
        Assert.False(options.Enabled);
    }

    [Fact]
    public void The_option_beats_the_variable()
    {
        Func<string, string?> environment = Environment((TelemetryOptions.MetricsListenVariable, "127.0.0.1:9100"), (TelemetryOptions.LogFormatVariable, "json"));
        Assert.Equal("127.0.0.1:9200", TelemetryOptions.Resolve("127.0.0.1:9200", "text", environment).MetricsListen);
        Assert.Equal(LogFormat.Text, TelemetryOptions.Resolve("127.0.0.1:9200", "text", environment).LogFormat);
        TelemetryOptions fromVariables = TelemetryOptions.Resolve(null, " ", environment);
        Assert.Equal("127.0.0.1:9100", fromVariables.MetricsListen);
        Assert.Equal(LogFormat.Json, fromVariables.LogFormat);
        Assert.True(fromVariables.Enabled);
        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.Resolve(null, "xml", Environment()));
    }

    [Theory]
    [InlineData("127.0.0.1:9464")]
    [InlineData("127.8.9.10:9464")]
    [InlineData("[::1]:9464")]
    [InlineData("localhost:9464")]
    public void A_loopback_metrics_address_is_accepted(string listen)
    {
        Assert.Equal(listen, TelemetryOptions.NormalizeMetricsListen(listen));
        Assert.Equal(9464, new TelemetryOptions { MetricsListen = listen }.MetricsAddress().Port);
    }

    [Theory]
    [InlineData("0.0.0.0:9464")]
    [InlineData("[::]:9464")]
    [InlineData("192.168.1.20:9464")]
    [InlineData("metrics.example.org:9464")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    public void Any_other_metrics_address_is_refused(string listen)
    {
        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.NormalizeMetricsListen(listen));
        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.Resolve(listen, null, Environment()));
        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.Resolve(null, null, Environment((TelemetryOptions.MetricsListenVariable, listen))));
    }

    [Fact]
    public void Otlp_export_is_configured_only_when_its_standard_variable_is_set()
    {
        Assert.Null(TelemetryOptions.Resolve(null, null, Environment((TelemetryOptions.OtlpProtocolVariable, "http/protobuf"))).OtlpEndpoint);

        TelemetryOptions grpc = TelemetryOptions.Resolve(null, null, Environment((TelemetryOptions.OtlpEndpointVariable, "http://collector:4317")));
        Assert.Equal(new Uri("http://collector:4317"), grpc.OtlpEndpoint);
        Assert.Equal(OtlpExportProtocol.Grpc, grpc.OtlpProtocol);
        Assert.True(grpc.Enabled);

        TelemetryOptions http = TelemetryOptions.Resolve(null, null,
            Environment((TelemetryOptions.OtlpEndpointVariable, "https://collector:4318"), (TelemetryOptions.OtlpProtocolVariable, "http/protobuf")));
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, http.OtlpProtocol);

        Assert.Throws<InvalidOperationException>(() => TelemetryOptions.Resolve(null, null, Environment((TelemetryOptions.OtlpEndpointVariable, "collector:4317"))));
    }

    [Fact]
    public void A_role_takes_its_telemetry_options_with_its_other_overrides()
    {
        RoleOverrides overrides = RoleOverrides.Resolve(ServiceRole.Party0, null, null, Environment((TelemetryOptions.LogFormatVariable, "json")), "localhost:9464", null);
        Assert.Equal("localhost:9464", overrides.Telemetry.MetricsListen);
        Assert.Equal(LogFormat.Json, overrides.Telemetry.LogFormat);
        // `imguard up` keeps the per-host address from its children: four roles cannot share one port.
        Assert.Contains(TelemetryOptions.MetricsListenVariable, RoleOverrides.Variables);
    }
}
