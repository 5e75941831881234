using System;
using System.Management.Automation;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// Lets a TimeSpan parameter take a plain number as seconds (<c>-Duration 10</c>), which PowerShell would
    /// otherwise read as ten ticks; strings such as <c>00:01:30</c> and TimeSpan values pass through.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property)]
    public sealed class SecondsArgumentTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
            switch (value)
            {
                case int seconds: return TimeSpan.FromSeconds(seconds);
                case long seconds: return TimeSpan.FromSeconds(seconds);
                case double seconds: return TimeSpan.FromSeconds(seconds);
                case decimal seconds: return TimeSpan.FromSeconds((double)seconds);
                default: return inputData;
            }
        }
    }
}
