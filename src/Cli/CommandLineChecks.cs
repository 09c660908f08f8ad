using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli;

/// <summary>
/// The command-line mistakes the parser lets through or words for programmers, checked once for
/// every command: a misspelt option taken as a file name because the command has a positional
/// argument, NaN or infinity given to a number option, an empty value given to a text option
/// (a path, an address or a name), and the parser's "expected type
/// 'System.Nullable`1[System.Int32]'" said as "takes a whole number".
/// </summary>
internal static partial class CommandLineChecks
{
    /// <summary>Mistakes in <paramref name="parse"/> that the parser did not report, one sentence each.</summary>
    public static IReadOnlyList<string> Problems(ParseResult parse)
    {
        var problems = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is not null; r = r.Parent)
        {
            if (r is not CommandResult command)
            {
                continue;
            }

            foreach (SymbolResult child in command.Children)
            {
                if (child is ArgumentResult positional)
                {
                    problems.AddRange(positional.Tokens.Where(t => LooksLikeOption(t.Value)).Select(t => $"unknown option '{t.Value}'"));
                    problems.AddRange(positional.Tokens.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(_ => $"<{positional.Argument.Name}> is empty; give a path"));
                }
                else if (child is OptionResult many && many.Option.AllowMultipleArgumentsPerToken)
                {
                    // An option taking several values swallows a misspelt or unsupported option
                    // after it (transfer --to a.onnx --backend engine) as one more file name.
                    problems.AddRange(many.Tokens.Where(t => LooksLikeOption(t.Value)).Select(t => $"unknown option '{t.Value}'"));
                }

                if (child is OptionResult text && (text.Option.ValueType == typeof(string) || text.Option.ValueType == typeof(string[])))
                {
                    // An empty file name, address or name is a slip of the shell (an unset variable),
                    // never a value a command can use.
                    problems.AddRange(text.Tokens.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(_ => $"{text.Option.Name} is empty; give it a value"));
                }
                else if (child is OptionResult option && IsFloatingPoint(option.Option.ValueType))
                {
                    problems.AddRange(option.Tokens.Where(t => !IsFinite(t.Value)).Select(t => $"{option.Option.Name} takes a finite number (got '{t.Value}')"));
                }
            }
        }

        return problems;
    }

    /// <summary>The parser's message for <paramref name="error"/>, reworded where it speaks of C# types.</summary>
    public static string Reword(ParseError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Match cannot = CannotParse().Match(error.Message);
        if (cannot.Success)
        {
            string value = cannot.Groups["value"].Value;
            string name = cannot.Groups["name"].Value;
            Type? type = error.SymbolResult is OptionResult option ? option.Option.ValueType
                : error.SymbolResult is ArgumentResult argument ? argument.Argument.ValueType
                : null;
            return type is null ? $"{name}: '{value}' is not a valid value" : $"{name} takes {JsonErrorText.Expected(type, value)} (got '{value}')";
        }

        return error.Message == "Required command was not provided." ? "give a command" : error.Message;
    }

    /// <summary>Whether <paramref name="errors"/> holds more than the bare "no command given", which then says nothing new.</summary>
    public static bool IsRedundant(ParseError error, IReadOnlyCollection<ParseError> errors) =>
        error.Message == "Required command was not provided." && errors.Count > 1;

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static bool IsFloatingPoint(Type type)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        return plain == typeof(float) || plain == typeof(double);
    }

    /// <summary>NaN, infinity and numbers beyond float's range (1e39) would reach the arithmetic as non-finite values.</summary>
    private static bool IsFinite(string token) =>
        !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || float.IsFinite((float)value);

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|command|argument) '(?<name>[^']*)'")]
    private static partial Regex CannotParse();
}
