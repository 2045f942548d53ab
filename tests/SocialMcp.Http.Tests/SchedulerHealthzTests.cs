using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocialMcp.Core.Scheduling;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

public sealed class SchedulerHealthzTests
{
    [Fact]
    public async Task Healthz_WithTheWorkerRunning_HasAHealthySchedulerCheck()
    {
        await using var server = await TestServer.StartAsync();
        await WaitForFirstPassAsync(server);

        using var response = await server.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scheduler = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("checks").GetProperty("scheduler");
        Assert.Equal("Healthy", scheduler.GetProperty("status").GetString());
        Assert.Contains("alive", scheduler.GetProperty("description").GetString());
    }

    [Fact]
    public async Task Healthz_WithTheWorkerStopped_Is503UnhealthyScheduler()
    {
        await using var server = await TestServer.StartAsync();
        await WaitForFirstPassAsync(server);
        await server.Services.GetServices<IHostedService>().OfType<SchedulerWorker>().Single().StopAsync(CancellationToken.None);

        using var response = await server.Http.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        var scheduler = root.GetProperty("checks").GetProperty("scheduler");
        Assert.Equal("Unhealthy", scheduler.GetProperty("status").GetString());
        Assert.Contains("NOT alive (stopped)", scheduler.GetProperty("description").GetString());
        Assert.Equal("Healthy", root.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    private static async Task WaitForFirstPassAsync(TestServer server)
    {
        var status = server.Services.GetRequiredService<SchedulerStatus>();
        var slept = status.NextSleep;
        if (status.LastLoopAt is null)
            await slept.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
