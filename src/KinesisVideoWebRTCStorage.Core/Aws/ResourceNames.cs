using System.Text.RegularExpressions;

namespace KinesisVideoWebRTCStorage.Aws
{
    /// <summary>
    /// The API model's one pattern for channel and stream names, client ids and signaling correlation ids:
    /// 1 to 256 of [a-zA-Z0-9_.-].
    /// </summary>
    public static class ResourceNames
    {
        private static readonly Regex Pattern = new Regex("^[a-zA-Z0-9_.-]{1,256}$", RegexOptions.CultureInvariant);

        public static bool IsValid(string? value) => value != null && Pattern.IsMatch(value);
    }
}
