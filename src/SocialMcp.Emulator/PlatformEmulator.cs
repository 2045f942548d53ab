using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Emulator;

/// <summary>
/// A local emulator of the eight platform APIs on Kestrel, bound to 127.0.0.1 only. Tests start one per test class
/// on an ephemeral port; <c>socialmcp emulator --port N</c> runs one for people. Faults are queued per platform
/// through <see cref="Faults"/>; <see cref="State"/> issues tokens and counts live posts.
/// </summary>
public sealed class PlatformEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlatformEmulator(WebApplication app, EmulatorState state, FaultPlan faults, EmulatorObserver observer, Uri root)
    {
        _app = app;
        State = state;
        Faults = faults;
        Observer = observer;
        Root = root;
    }

    public EmulatorState State { get; }

    public FaultPlan Faults { get; }

    /// <summary>Every request as it arrives and as it is answered; can hold a request before it is handled.</summary>
    public EmulatorObserver Observer { get; }

    /// <summary>http://127.0.0.1:{port}/</summary>
    public Uri Root { get; }

    public Uri BaseUrlOf(Platform platform) => new(Root, platform.ToWireName() + "/");

    /// <summary>The OAuth authority of every platform: clients, lifetimes, failure switches (docs/emulator.md).</summary>
    public OAuthAuthority OAuth => State.OAuth;

    /// <summary>The modules in this assembly, one per platform (discovered so each platform lives in its own file).</summary>
    public static IReadOnlyList<IEmulatorModule> Modules { get; } = typeof(PlatformEmulator).Assembly.GetTypes()
        .Where(t => typeof(IEmulatorModule).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Select(t => (IEmulatorModule)Activator.CreateInstance(t)!)
        .OrderBy(m => m.Platform)
        .ToList();

    /// <param name="platforms">Only these platforms' APIs (all when null): mapping fewer modules makes the first request much cheaper.</param>
    public static async Task<PlatformEmulator> StartAsync(int port = 0, TimeProvider? time = null, ILoggerProvider? logs = null,
        IReadOnlyCollection<Platform>? platforms = null, CancellationToken cancellationToken = default)
    {
        var clock = time ?? TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        var state = new EmulatorState(clock);
        var faults = new FaultPlan();
        var observer = new EmulatorObserver(clock);
        app.Use(observer.InvokeAsync);
        foreach (var module in Modules.Where(m => platforms is null || platforms.Contains(m.Platform)))
        {
            var platform = module.Platform;
            var group = app.MapGroup("/" + platform.ToWireName());
            group.AddEndpointFilter(async (context, next) => await ApplyFaultAsync(context.HttpContext, platform, faults, clock, next, context));
            module.Map(group, state);
            OAuthRoutes.Map(platform, group, state);
        }

        OAuthControl.Map(app, state);

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PlatformEmulator(app, state, faults, observer, new Uri(address.TrimEnd('/') + "/"));
    }

    private static async ValueTask<object?> ApplyFaultAsync(HttpContext http, Platform platform, FaultPlan faults, TimeProvider clock,
        EndpointFilterDelegate next, EndpointFilterInvocationContext context)
    {
        switch (faults.TakeFor(platform, http.Request.Method, http.Request.Path.Value ?? ""))
        {
            case Fault.Latency latency:
                await Task.Delay(latency.Delay, clock, http.RequestAborted);
                return await next(context);
            case Fault.Respond respond:
                foreach (var (name, value) in respond.Headers ?? new Dictionary<string, string>())
                    http.Response.Headers[name] = value;
                return Results.Text(respond.Body ?? "", "application/json", statusCode: respond.Status);
            case Fault.Hang:
                await Task.Delay(Timeout.InfiniteTimeSpan, clock, http.RequestAborted);
                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            case Fault.LoseResponse:
                var result = await next(context);
                if (result is IResult handled)
                    await handled.ExecuteAsync(new DefaultHttpContext { RequestServices = http.RequestServices, Response = { Body = Stream.Null } });
                http.Abort();
                return Results.Empty;
            default:
                return await next(context);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
