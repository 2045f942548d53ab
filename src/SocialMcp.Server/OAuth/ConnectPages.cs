using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Server.OAuth;

/// <summary>A connect's outcome in words, for the callback page, the CLI and the tool's summary. Never a token, code or state.</summary>
public static class ConnectOutcome
{
    public static string Handle(string handle) => handle.StartsWith('@') ? handle : "@" + handle;

    public static string SetName(ConnectResult result) => result.PlatformSetName ?? result.PlatformSetId ?? "the default set";

    /// <summary>One line: what happened (and what to do when it did not work).</summary>
    public static string Describe(ConnectResult result) => result.Status switch
    {
        ConnectStatus.Connected when result.Account is { } account =>
            $"{(result.Renewed ? "Renewed" : "Connected")} {Handle(account.Handle)} ({result.Platform.ToWireName()}) {(result.Renewed ? "in" : "to")} set {SetName(result)}.",
        ConnectStatus.Connected => $"Connected {result.Platform.ToWireName()} to set {SetName(result)}.",
        ConnectStatus.ChoiceRequired => $"The {result.Platform.ToWireName()} grant can publish as {result.Choices.Count} identities: choose one.",
        ConnectStatus.Pending => "Waiting for the person to approve access on the platform.",
        _ => ProblemText(result.Problem, result.Status == ConnectStatus.Expired
            ? "The connect expired or was already used."
            : "The connect did not finish."),
    };

    public static string ProblemText(Problem? problem, string fallback) =>
        problem is null ? fallback : problem.Hint is null ? problem.Message : $"{problem.Message} {problem.Hint}";
}

/// <summary>
/// The small pages a browser sees during a connect. Everything interpolated is HTML-encoded; nothing secret is ever
/// passed in. The responses are not cached and send no Referer onward.
/// </summary>
public static class ConnectPages
{
    public static Task WriteAsync(HttpContext context, int status, string title, string bodyHtml)
    {
        var page = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\"><title>").Append(Encode(title)).Append(" · SocialMcp</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5}")
            .Append("label{display:block;margin:.4rem 0}button{margin-top:1rem;padding:.4rem 1rem}</style></head><body>")
            .Append("<h1>").Append(Encode(title)).Append("</h1>").Append(bodyHtml).Append("</body></html>")
            .ToString();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        NoStore(context.Response);
        return context.Response.WriteAsync(page, context.RequestAborted);
    }

    /// <summary>A connect link or callback must never be cached or leak its URL (state, code) to the next site.</summary>
    public static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
    }

    public static Task ResultAsync(HttpContext context, ConnectResult result, string? choiceToken)
    {
        switch (result.Status)
        {
            case ConnectStatus.Connected:
                return WriteAsync(context, StatusCodes.Status200OK, result.Renewed ? "Account renewed" : "Account connected",
                    Paragraph(ConnectOutcome.Describe(result)) + Paragraph("You can close this window."));
            case ConnectStatus.ChoiceRequired when choiceToken is not null:
                return WriteAsync(context, StatusCodes.Status200OK, "Choose an account", ChoiceForm(result, choiceToken));
            case ConnectStatus.Pending:
                return WriteAsync(context, StatusCodes.Status202Accepted, "Still waiting", Paragraph(ConnectOutcome.Describe(result)));
            default:
                return FailureAsync(context, result.Status == ConnectStatus.Expired ? "Connect link expired" : "Account not connected",
                    result.Problem?.Message ?? "The connect did not finish.",
                    result.Problem?.Hint ?? "Start the connect again to get a new link.",
                    result.Problem?.Code);
        }
    }

    public static Task FailureAsync(HttpContext context, string title, string what, string toDo, string? code = null, int status = StatusCodes.Status400BadRequest) =>
        WriteAsync(context, status, title,
            Paragraph(what) + Paragraph("What to do: " + toDo) + (code is null ? "" : $"<p><small>Code: {Encode(code)}</small></p>"));

    private static string ChoiceForm(ConnectResult result, string choiceToken)
    {
        var html = new StringBuilder()
            .Append(Paragraph($"This {result.Platform.ToWireName()} sign-in can publish as several identities. Choose the one to connect to set {ConnectOutcome.SetName(result)}."))
            .Append("<form method=\"post\" action=\"").Append(ConnectLinks.ChoosePath).Append("\">")
            .Append("<input type=\"hidden\" name=\"token\" value=\"").Append(Encode(choiceToken)).Append("\">");
        var first = true;
        foreach (var choice in result.Choices)
        {
            var label = ConnectOutcome.Handle(choice.Handle) + (choice.DisplayName is { Length: > 0 } name ? $" ({name})" : "");
            html.Append("<label><input type=\"radio\" name=\"identity\" value=\"").Append(Encode(choice.PlatformAccountId)).Append('"')
                .Append(first ? " checked" : "").Append("> ").Append(Encode(label)).Append("</label>");
            first = false;
        }
        return html.Append("<button type=\"submit\">Connect</button></form>").ToString();
    }

    private static string Paragraph(string text) => "<p>" + Encode(text) + "</p>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
