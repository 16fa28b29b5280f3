package dev.pollen.channel.core;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The socket options a channel config hands straight to the socket: the ones a transport maps to
 * a portable option id (Boolean, Integer or Long valued, with a lower bound), plus
 * {@link IntegerSocketOption} and {@link RawSocketOption}. Shared by every config class.
 */
public final class NativeOptions {
    private static final class Entry {
        final int id;
        final Class<?> type;
        final long min;
        final Supplier<?> getter;
        final Consumer<Object> setter;

        Entry(int id, Class<?> type, long min, Supplier<?> getter, Consumer<Object> setter) {
            this.id = id;
            this.type = type;
            this.min = min;
            this.getter = getter;
            this.setter = setter;
        }

        Entry(int id, Class<?> type, long min) {
            this(id, type, min, null, null);
        }
    }

    private final PollenSocket socket;
    private final Map<ChannelOption<?>, Entry> table = new IdentityHashMap<>();
    /** Options this transport has on other OSes only, with where they exist. */
    private final Map<ChannelOption<?>, String> unavailable = new IdentityHashMap<>();

    public NativeOptions(PollenSocket socket) {
        this.socket = socket;
    }

    public NativeOptions addBoolean(ChannelOption<Boolean> option, int id) {
        table.put(option, new Entry(id, Boolean.class, 0));
        return this;
    }

    /** An Integer option whose values must be >= min. */
    public NativeOptions addInteger(ChannelOption<Integer> option, int id, int min) {
        table.put(option, new Entry(id, Integer.class, min));
        return this;
    }

    /** A Long option whose values must be in [min, Integer.MAX_VALUE] (the kernel takes an int). */
    public NativeOptions addLong(ChannelOption<Long> option, int id, long min) {
        table.put(option, new Entry(id, Long.class, min));
        return this;
    }

    /** An option with its own accessors (e.g. one that needs more than a single socket option). */
    @SuppressWarnings("unchecked")
    public <T> NativeOptions addCustom(ChannelOption<T> option, Supplier<T> getter, Consumer<T> setter) {
        table.put(option, new Entry(-1, Object.class, 0, getter, (Consumer<Object>) setter));
        return this;
    }

    /**
     * An option of this transport that this OS lacks: absent from {@link #options()}, and reading or
     * setting it throws an {@link UnsupportedOperationException} saying where it exists.
     */
    public NativeOptions addUnavailable(ChannelOption<?> option, String where) {
        unavailable.put(option, where);
        return this;
    }

    /** The table's options, for {@code getOptions()}. */
    public List<ChannelOption<?>> options() {
        return new ArrayList<>(table.keySet());
    }

    public boolean handles(ChannelOption<?> option) {
        return table.containsKey(option) || unavailable.containsKey(option)
                || option instanceof IntegerSocketOption || option instanceof RawSocketOption;
    }

    /** The option's current value; call only when {@link #handles} is true. */
    public Object get(ChannelOption<?> option) {
        checkAvailable(option);
        try {
            if (option instanceof IntegerSocketOption) {
                IntegerSocketOption o = (IntegerSocketOption) option;
                byte[] b = new byte[4];
                socket.getRawOption(o.level(), o.optname(), b);
                return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
            }
            if (option instanceof RawSocketOption) {
                RawSocketOption o = (RawSocketOption) option;
                byte[] b = new byte[o.length()];
                int len = socket.getRawOption(o.level(), o.optname(), b);
                return ByteBuffer.wrap(b, 0, len).slice();
            }
            Entry e = table.get(option);
            if (e.getter != null) {
                return e.getter.get();
            }
            int v = socket.getOption(e.id);
            return e.type == Boolean.class ? (Object) (v != 0) : e.type == Long.class ? (Object) (long) v : v;
        } catch (IOException e) {
            throw new ChannelException(option.name() + ": " + e.getMessage(), e);
        }
    }

    /** Sets the option; call only when {@link #handles} is true. */
    public void set(ChannelOption<?> option, Object value) {
        checkAvailable(option);
        try {
            if (option instanceof IntegerSocketOption) {
                IntegerSocketOption o = (IntegerSocketOption) option;
                byte[] b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((Integer) value).array();
                socket.setRawOption(o.level(), o.optname(), b);
                return;
            }
            if (option instanceof RawSocketOption) {
                RawSocketOption o = (RawSocketOption) option;
                ByteBuffer buf = ((ByteBuffer) value).duplicate();
                byte[] b = new byte[buf.remaining()];
                buf.get(b);
                socket.setRawOption(o.level(), o.optname(), b);
                return;
            }
            Entry e = table.get(option);
            if (e.setter != null) {
                e.setter.accept(value);
                return;
            }
            long v;
            if (e.type == Boolean.class) {
                v = (Boolean) value ? 1 : 0;
            } else {
                v = ((Number) value).longValue();
                if (v < e.min || v > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(option.name() + " must be in [" + e.min + ", "
                            + Integer.MAX_VALUE + "]: " + v);
                }
            }
            socket.setOption(e.id, (int) v);
        } catch (IOException e) {
            throw new ChannelException(option.name() + ": " + e.getMessage(), e);
        }
    }

    private void checkAvailable(ChannelOption<?> option) {
        String where = unavailable.get(option);
        if (where != null) {
            String name = option.name().substring(option.name().lastIndexOf('#') + 1);
            throw new UnsupportedOperationException(name + " is unsupported on this OS ("
                    + System.getProperty("os.name") + "): it exists on " + where + " only");
        }
    }
}
