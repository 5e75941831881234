using System;

namespace KinesisVideoWebRTCStorage.WebRtc.Gcc
{
    /// <summary>
    /// The delay-gradient filter of Google congestion control: the one-way delay variation of each group is accumulated,
    /// smoothed, and a least-squares line through the last <see cref="WindowSize"/> points gives its trend. A rising trend
    /// means the bottleneck's queue is filling. The trend, scaled and compared with an adaptive threshold by
    /// <see cref="OveruseDetector"/>, says whether the link is over- or underused.
    /// </summary>
    public sealed class TrendlineEstimator
    {
        public const int WindowSize = 20;
        private const double Smoothing = 0.9;

        private readonly double[] _x = new double[WindowSize];
        private readonly double[] _y = new double[WindowSize];
        private int _count, _next;
        private long _firstArrivalMs = -1;
        private double _accumulatedDelay, _smoothedDelay;

        /// <summary>The latest slope (ms of queueing delay gained per ms); 0 until the window fills.</summary>
        public double Trend { get; private set; }

        /// <summary>How many deltas were taken (up to 1000), which scales the trend as the estimate gains confidence.</summary>
        public int Deltas { get; private set; }

        public void Update(double sendDeltaMs, double arrivalDeltaMs, long arrivalMs)
        {
            Deltas = Math.Min(Deltas + 1, 1000);
            if (_firstArrivalMs < 0) _firstArrivalMs = arrivalMs;
            _accumulatedDelay += arrivalDeltaMs - sendDeltaMs;
            _smoothedDelay = Smoothing * _smoothedDelay + (1 - Smoothing) * _accumulatedDelay;
            _x[_next] = arrivalMs - _firstArrivalMs;
            _y[_next] = _smoothedDelay;
            _next = (_next + 1) % WindowSize;
            if (_count < WindowSize) _count++;
            if (_count == WindowSize && Slope() is double slope) Trend = slope;
        }

        private double? Slope()
        {
            double meanX = 0, meanY = 0;
            for (int i = 0; i < _count; i++)
            {
                meanX += _x[i];
                meanY += _y[i];
            }
            meanX /= _count;
            meanY /= _count;
            double numerator = 0, denominator = 0;
            for (int i = 0; i < _count; i++)
            {
                numerator += (_x[i] - meanX) * (_y[i] - meanY);
                denominator += (_x[i] - meanX) * (_x[i] - meanX);
            }
            return denominator == 0 ? (double?)null : numerator / denominator;
        }
    }
}
