package dev.memberlist.engine.wire;

/**
 * What a push-pull's reader left out of its node states ({@link PushPull#nodes()}): alive states
 * the receiver already had, so that merging them would change nothing. Only their versions still
 * count, for Go's {@code verifyProtocol}: the ranges they narrow, and the current versions that
 * must lie within the ranges, here as their least and greatest with a node that has each.
 */
public final class SkippedStates {
    private int count;
    private int maxPMin;
    private int minPMax = 255;
    private int maxDMin;
    private int minDMax = 255;
    private int minPCur = Integer.MAX_VALUE;
    private int maxPCur = -1;
    private int minDCur = Integer.MAX_VALUE;
    private int maxDCur = -1;
    private String minPCurNode;
    private String maxPCurNode;
    private String minDCurNode;
    private String maxDCurNode;

    void add(AliveView v) {
        count++;
        int pCur = 0;
        int dCur = 0;
        if (v.vsnLength() >= 6) {
            // an alive state with all six versions narrows the ranges, as in verifyProtocol
            maxPMin = Math.max(maxPMin, v.vsn(0));
            minPMax = Math.min(minPMax, v.vsn(1));
            maxDMin = Math.max(maxDMin, v.vsn(3));
            minDMax = Math.min(minDMax, v.vsn(4));
            pCur = v.vsn(2);
            dCur = v.vsn(5);
        }
        // names only for a new extreme: a converged cluster has one set of versions
        if (pCur < minPCur) {
            minPCur = pCur;
            minPCurNode = v.node();
        }
        if (pCur > maxPCur) {
            maxPCur = pCur;
            maxPCurNode = v.node();
        }
        if (dCur < minDCur) {
            minDCur = dCur;
            minDCurNode = v.node();
        }
        if (dCur > maxDCur) {
            maxDCur = dCur;
            maxDCurNode = v.node();
        }
    }

    /** How many were left out. */
    public int count() {
        return count;
    }

    /** The greatest minimum protocol version among them. */
    public int maxPMin() {
        return maxPMin;
    }

    /** The least maximum protocol version among them. */
    public int minPMax() {
        return minPMax;
    }

    /** The greatest minimum delegate protocol version among them. */
    public int maxDMin() {
        return maxDMin;
    }

    /** The least maximum delegate protocol version among them. */
    public int minDMax() {
        return minDMax;
    }

    /**
     * A node among them whose current protocol version lies outside {@code [min, max]}, or whose
     * delegate protocol version lies outside {@code [dMin, dMax]}, with that version: null when
     * none.
     */
    public Outlier outside(int min, int max, int dMin, int dMax) {
        if (count == 0) {
            return null;
        }
        if (minPCur < min) {
            return new Outlier(minPCurNode, minPCur, false);
        }
        if (maxPCur > max) {
            return new Outlier(maxPCurNode, maxPCur, false);
        }
        if (minDCur < dMin) {
            return new Outlier(minDCurNode, minDCur, true);
        }
        if (maxDCur > dMax) {
            return new Outlier(maxDCurNode, maxDCur, true);
        }
        return null;
    }

    /**
     * A node whose version is out of range.
     *
     * @param node its name
     * @param version the version
     * @param delegate whether it is the delegate protocol version
     */
    public record Outlier(String node, int version, boolean delegate) {}
}
