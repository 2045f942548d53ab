using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;

namespace SocialMcp.Server.OAuth;

/// <summary>
/// A one-shot listener on 127.0.0.1 for the platform's redirect, as <c>gh auth login</c> does it: the CLI's
/// <c>accounts connect</c> and the stdio server's connect_account start one, hand <see cref="RedirectUri"/> to the connect
/// flow, and wait for the person's browser to come back. The first request that carries a <c>state</c> or an <c>error</c>
/// completes the connect (stray requests such as a favicon do not use up the one shot) and gets the same small page as
/// the HTTP callback. Loopback only, never another interface; the IP, not localhost (docs/platforms.md#common-oauth-redirects).
/// </summary>
public sealed class LoopbackRedirectListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly OneRedirect _redirect;

    private LoopbackRedirectListener(WebApplication app, OneRedirect redirect, Uri redirectUri)
    {
        _app = app;
        _redirect = redirect;
        RedirectUri = redirectUri;
    }

    /// <summary><c>http://127.0.0.1:{port}/oauth/callback/{platform}</c>: the address to register with the platform's app.</summary>
    public Uri RedirectUri { get; }

    /// <summary>The connect's outcome, once the redirect came back and the flow completed it.</summary>
    public Task<ConnectResult> Completed => _redirect.Completed.Task;

    /// <param name="port">A fixed port (platforms such as X need the exact registered redirect), or 0 for a free one.</param>
    /// <param name="complete">Finishes the connect from the redirect's state, code, error and error_description.</param>
    public static async Task<LoopbackRedirectListener> StartAsync(int port, Platform platform,
        Func<string?, string?, string?, string?, CancellationToken, Task<ConnectResult>> complete, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "socialmcp-connect" });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var redirect = new OneRedirect();
        var path = ConnectLinks.CallbackPath + platform.ToWireName();
        app.MapGet(path, context => redirect.AnswerAsync(context, complete));

        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Urls.Single());
        return new LoopbackRedirectListener(app, redirect, new Uri($"http://127.0.0.1:{bound.Port}{path}"));
    }

    /// <summary>The one redirect a listener waits for; later ones are told it was answered.</summary>
    private sealed class OneRedirect
    {
        private int _claimed;

        public TaskCompletionSource<ConnectResult> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task AnswerAsync(HttpContext context, Func<string?, string?, string?, string?, CancellationToken, Task<ConnectResult>> complete)
        {
            var query = context.Request.Query;
            if (!query.ContainsKey("state") && !query.ContainsKey("error"))
            {
                await ConnectPages.FailureAsync(context, "Not a sign-in answer", "This address waits for the platform's redirect after you approve access.",
                    "Open the authorization URL the terminal printed.");
                return;
            }
            if (Interlocked.Exchange(ref _claimed, 1) == 1)
            {
                await ConnectPages.FailureAsync(context, "Already answered", "This sign-in has already come back once.",
                    "Look at the terminal for the result; run the connect again if it failed.", status: StatusCodes.Status409Conflict);
                return;
            }

            ConnectResult result;
            try
            {
                result = await complete(query["state"].FirstOrDefault(), query["code"].FirstOrDefault(), query["error"].FirstOrDefault(),
                    query["error_description"].FirstOrDefault(), context.RequestAborted);
            }
            catch (Exception ex)
            {
                Completed.TrySetException(ex);
                throw;
            }

            // The outcome first: the terminal must not wait on a browser that went away before the page reached it.
            Completed.TrySetResult(result);
            if (result.Status == ConnectStatus.ChoiceRequired)
            {
                await ConnectPages.WriteAsync(context, StatusCodes.Status200OK, "Choose an account",
                    "<p>" + System.Net.WebUtility.HtmlEncode(ConnectOutcome.Describe(result) + " Go back to the terminal to pick one.") + "</p>");
            }
            else
            {
                await ConnectPages.ResultAsync(context, result, choiceToken: null);
            }
        }
    }

    /// <summary>The outcome, or null when the person did not come back within <paramref name="timeout"/> (on <paramref name="time"/>).</summary>
    public async Task<ConnectResult?> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero)
            timeout = TimeSpan.Zero;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(timeout, time, deadline.Token);
        var first = await Task.WhenAny(Completed, timer);
        await deadline.CancelAsync();
        if (first == Completed)
            return await Completed;
        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
