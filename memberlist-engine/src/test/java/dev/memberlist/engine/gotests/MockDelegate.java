package dev.memberlist.engine.gotests;

import dev.memberlist.engine.delegate.NodeDelegate;
import java.util.ArrayList;
import java.util.List;

/** Go's MockDelegate: metadata, received messages, one-shot broadcasts, push-pull state. */
final class MockDelegate implements NodeDelegate {
    private byte[] meta;
    private final List<byte[]> msgs = new ArrayList<>();
    private List<byte[]> broadcasts;
    private byte[] state;
    private byte[] remoteState;

    MockDelegate() {}

    MockDelegate(byte[] meta) {
        this.meta = meta;
    }

    synchronized void setMeta(byte[] meta) {
        this.meta = meta;
    }

    synchronized void setState(byte[] state) {
        this.state = state;
    }

    synchronized void setBroadcasts(List<byte[]> broadcasts) {
        this.broadcasts = broadcasts;
    }

    synchronized byte[] getRemoteState() {
        return remoteState == null ? new byte[0] : remoteState.clone();
    }

    synchronized List<byte[]> getMessages() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] m : msgs) {
            out.add(m.clone());
        }
        return out;
    }

    @Override
    public synchronized byte[] nodeMeta(int limit) {
        return meta;
    }

    @Override
    public synchronized void notifyMsg(byte[] msg) {
        msgs.add(msg.clone());
    }

    @Override
    public synchronized List<byte[]> getBroadcasts(int overhead, int limit) {
        List<byte[]> b = broadcasts;
        broadcasts = null;
        return b == null ? List.of() : b;
    }

    @Override
    public synchronized byte[] localState(boolean join) {
        return state;
    }

    @Override
    public synchronized void mergeRemoteState(byte[] buf, boolean join) {
        remoteState = buf;
    }
}
