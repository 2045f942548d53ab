using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;

namespace SocialMcp.Tests.Outcomes;

/// <summary>Every code a target can end with has one next step, and llm.txt's table says the same.</summary>
public sealed partial class NextStepsTests
{
    private static string LlmTxt([CallerFilePath] string thisFile = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "..", "llm.txt"));

    /// <summary>The rows of llm.txt's "what to do" table: errorCode (or "(needs_reconciliation)") → action.</summary>
    private static Dictionary<string, string> LlmTable()
    {
        var rows = new Dictionary<string, string>();
        foreach (Match row in TableRow().Matches(LlmTxt().ReplaceLineEndings("\n")))
            rows.Add(row.Groups["code"].Value, row.Groups["action"].Value);
        return rows;
    }

    [GeneratedRegex(@"^\| (?<code>[A-Z_]+|\(needs_reconciliation\)) \| (?<action>[a-z_]+) \| [^\n]+ \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [Fact]
    public void LlmTxt_WhatToDoTable_MatchesTheServersMap()
    {
        var table = LlmTable();

        Assert.NotEmpty(table);
        foreach (var (code, action) in NextSteps.ActionByCode)
        {
            Assert.True(table.TryGetValue(code, out var documented), $"llm.txt's what-to-do table has no row for {code}.");
            Assert.Equal(action, documented);
        }
        foreach (var (code, action) in table.Where(r => r.Key != "(needs_reconciliation)"))
        {
            Assert.True(NextSteps.ActionByCode.TryGetValue(code, out var mapped), $"llm.txt documents {code}, which the server does not map.");
            Assert.Equal(mapped, action);
            Assert.Contains(code, ErrorCodes.All);
        }
        Assert.Equal(NextSteps.ResolveTarget, table["(needs_reconciliation)"]);
    }

    /// <summary>The codes an adapter, the sandbox, the daily caps or a failed scheduled post can leave on a target.</summary>
    public static TheoryData<string> TargetFailureCodes() =>
    [
        ErrorCodes.RateLimited, ErrorCodes.QuotaExhausted, ErrorCodes.MediaUploadFailed, ErrorCodes.PlatformError, ErrorCodes.AuthExpired,
        ErrorCodes.PermissionMissing, ErrorCodes.ContentRejected, ErrorCodes.DuplicateContent, ErrorCodes.PlatformNotConfigured,
        ErrorCodes.PlatformNotConnected, ErrorCodes.ContentTooLong, ErrorCodes.UnsupportedMediaType, ErrorCodes.UnsupportedMediaConfig,
        ErrorCodes.InvalidPlacement, ErrorCodes.MixedMediaNotSupported, ErrorCodes.ValidationFailed,
    ];

    [Theory]
    [MemberData(nameof(TargetFailureCodes))]
    public void For_EveryTargetFailureCode_HasItsOwnMappedStep(string code)
    {
        var step = NextSteps.For(Failed(code), autoRetryAt: null);

        Assert.NotNull(step);
        Assert.Equal(NextSteps.ActionByCode[code], step.Action);
        Assert.False(string.IsNullOrWhiteSpace(step.Text));
    }

    [Fact]
    public void For_ContentOrMediaRefused_SaysUpdateThenRetry()
    {
        Assert.Equal(NextSteps.UpdateThenRetry, NextSteps.For(Failed(ErrorCodes.ContentRejected), null)!.Action);
        Assert.Contains("update_post", NextSteps.For(Failed(ErrorCodes.MediaUploadFailed), null)!.Text);
    }

    [Fact]
    public void For_RateLimited_SaysTheAutomaticRetryTime_OrTheResetWhenThereIsNone()
    {
        var reset = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var target = Failed(ErrorCodes.RateLimited) with { RetryAt = reset };

        Assert.Contains("automatically, at 2026-11-22T10:00:00Z", NextSteps.For(target, reset)!.Text);
        var manual = NextSteps.For(target, autoRetryAt: null)!;
        Assert.Equal(NextSteps.WaitForAutoRetry, manual.Action);
        Assert.Contains("retry_post after that time", manual.Text);
        Assert.Contains("2026-11-22T10:00:00Z", manual.Text);
    }

    [Fact]
    public void For_NeedsReconciliation_IsResolveTarget_AndLiveOrPendingTargetsHaveNone()
    {
        Assert.Equal(NextSteps.ResolveTarget, NextSteps.For(Failed(null) with { Status = TargetStatus.NeedsReconciliation }, null)!.Action);
        foreach (var status in new[] { TargetStatus.Published, TargetStatus.InReview, TargetStatus.Pending, TargetStatus.Publishing, TargetStatus.Withdrawn })
            Assert.Null(NextSteps.For(Failed(null) with { Status = status }, null));
    }

    private static PostTarget Failed(string? code) => new()
    {
        PostId = "p",
        Platform = Platform.X,
        AccountId = "a",
        Status = TargetStatus.Failed,
        ErrorCode = code,
        AttemptCount = 1,
        CreatedAt = DateTimeOffset.UnixEpoch,
        UpdatedAt = DateTimeOffset.UnixEpoch,
    };
}
