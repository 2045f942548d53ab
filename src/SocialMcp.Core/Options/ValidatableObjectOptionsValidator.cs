using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace SocialMcp.Core.Options;

/// <summary>Runs an options class's own <see cref="IValidatableObject.Validate"/> at start-up and fails with every message.</summary>
public sealed class ValidatableObjectOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class, IValidatableObject
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = options.Validate(new ValidationContext(options)).Select(r => r.ErrorMessage ?? "invalid").ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
