package dev.pollen.channel.core;

import dev.pollen.channel.IntegerSocketOption;
import dev.pollen.channel.RawSocketOption;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Every option a config class of type {@code C} handles itself, declared once per class in a static
 * table that all its instances share: {@link PollenChannelConfig} looks an option up here in
 * {@code getOptions}, {@code getOption} and {@code setOption} (after {@code validate}) and leaves the
 * options the table lacks to Netty's {@code DefaultChannelConfig}. An entry is one of:
 * <ul>
 *   <li>{@linkplain Builder#option accessors} of the config: its typed getter and setter, whether they
 *       go to the socket or to a field in Java (ALLOW_HALF_CLOSURE, WRITE_BATCHING, ...), so the table
 *       and the typed methods share one implementation;</li>
 *   <li>a {@linkplain Builder#socketBoolean socket option} by its portable id (Boolean, Integer or Long
 *       valued, with a lower bound), its failures named after the option;</li>
 *   <li>an option {@linkplain Builder#onlyOn of other OSes}: absent from {@code getOptions()}, and
 *       reading or setting it throws an {@link UnsupportedOperationException} saying where it exists;</li>
 *   <li>with {@link Builder#rawSocketOptions()}, any {@link IntegerSocketOption} or {@link RawSocketOption}.</li>
 * </ul>
 * A transport's config class builds its table on its parent's ({@link #builder(OptionTable)}) and passes it to
 * the parent's constructor. Lookups allocate nothing but the boxed values.
 */
public final class OptionTable<C extends PollenChannelConfig> {
    /** Reads an option of a config. */
    @FunctionalInterface
    public interface Getter<C, T> {
        T get(C config) throws IOException;
    }

    /** Writes an option of a config; the value has passed {@code validate}. */
    @FunctionalInterface
    public interface Setter<C, T> {
        void set(C config, T value) throws IOException;
    }

    private static final class Entry<C> {
        final Getter<C, ?> getter;
        final Setter<C, Object> setter;
        /** False for an option of other OSes. */
        final boolean listed;

        Entry(Getter<C, ?> getter, Setter<C, Object> setter, boolean listed) {
            this.getter = getter;
            this.setter = setter;
            this.listed = listed;
        }
    }

    private final Map<ChannelOption<?>, Entry<? super C>> entries;
    /** What {@code getOptions()} reports: the entries less those of other OSes. */
    private final ChannelOption<?>[] listed;
    private final boolean rawSocketOptions;

    private OptionTable(Builder<C> b) {
        entries = new IdentityHashMap<>(b.entries);
        List<ChannelOption<?>> list = new ArrayList<>();
        b.entries.forEach((option, entry) -> {
            if (entry.listed) {
                list.add(option);
            }
        });
        listed = list.toArray(new ChannelOption<?>[0]);
        rawSocketOptions = b.rawSocketOptions;
    }

    /** A table of its own. */
    public static <C extends PollenChannelConfig> Builder<C> builder() {
        return new Builder<>();
    }

    /** A table with every entry of {@code base}, the table of a superclass; an entry added again replaces it. */
    public static <C extends PollenChannelConfig> Builder<C> builder(OptionTable<? super C> base) {
        Builder<C> b = new Builder<>();
        b.entries.putAll(base.entries);
        b.rawSocketOptions = base.rawSocketOptions;
        return b;
    }

    /** The options {@code getOptions()} reports (shared: do not modify). */
    ChannelOption<?>[] listed() {
        return listed;
    }

    boolean handles(ChannelOption<?> option) {
        return entries.containsKey(option)
                || rawSocketOptions && (option instanceof IntegerSocketOption || option instanceof RawSocketOption);
    }

    /** The option's value; call only when {@link #handles} is true. */
    @SuppressWarnings("unchecked")
    Object get(PollenChannelConfig config, ChannelOption<?> option) {
        try {
            if (option instanceof IntegerSocketOption) {
                IntegerSocketOption o = (IntegerSocketOption) option;
                byte[] b = new byte[4];
                config.socket().getRawOption(o.level(), o.optname(), b);
                return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
            }
            if (option instanceof RawSocketOption) {
                RawSocketOption o = (RawSocketOption) option;
                byte[] b = new byte[o.length()];
                int len = config.socket().getRawOption(o.level(), o.optname(), b);
                return ByteBuffer.wrap(b, 0, len).slice();
            }
            return entries.get(option).getter.get((C) config);
        } catch (IOException e) {
            throw failure(option, e);
        }
    }

    /** Sets the option to a validated value; call only when {@link #handles} is true. */
    @SuppressWarnings("unchecked")
    void set(PollenChannelConfig config, ChannelOption<?> option, Object value) {
        try {
            if (option instanceof IntegerSocketOption) {
                IntegerSocketOption o = (IntegerSocketOption) option;
                byte[] b = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((Integer) value).array();
                config.socket().setRawOption(o.level(), o.optname(), b);
            } else if (option instanceof RawSocketOption) {
                RawSocketOption o = (RawSocketOption) option;
                ByteBuffer buf = ((ByteBuffer) value).duplicate();
                byte[] b = new byte[buf.remaining()];
                buf.get(b);
                config.socket().setRawOption(o.level(), o.optname(), b);
            } else {
                entries.get(option).setter.set((C) config, value);
            }
        } catch (IOException e) {
            throw failure(option, e);
        }
    }

    private static ChannelException failure(ChannelOption<?> option, IOException e) {
        return new ChannelException(option.name() + ": " + e.getMessage(), e);
    }

    /** {@code value} if it is in [min, max], else an {@link IllegalArgumentException} naming the option. */
    static int inRange(ChannelOption<?> option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option.name() + " must be in [" + min + ", " + max + "]: " + value);
        }
        return (int) value;
    }

    /** {@code value} if it is above 0 (a buffer size), else an {@link IllegalArgumentException}. */
    static int positive(ChannelOption<?> option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option.name() + " must be > 0: " + value);
        }
        return value;
    }

    /** {@code value} if it is 0 or more (a backlog), else an {@link IllegalArgumentException}. */
    static int nonNegative(ChannelOption<?> option, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(option.name() + " must be >= 0: " + value);
        }
        return value;
    }

    /** Declares the entries of a table; see {@link OptionTable}. */
    public static final class Builder<C extends PollenChannelConfig> {
        private final Map<ChannelOption<?>, Entry<? super C>> entries = new LinkedHashMap<>();
        private boolean rawSocketOptions;

        private Builder() {
        }

        /**
         * An option read and written through the config: its typed accessors (which may go to the
         * socket or to a field), or anything else. An {@link IOException} they throw becomes a
         * {@link ChannelException} naming the option.
         */
        @SuppressWarnings("unchecked")
        public <T> Builder<C> option(ChannelOption<T> option, Getter<C, T> getter, Setter<C, T> setter) {
            entries.put(option, new Entry<>(getter, (Setter<C, Object>) setter, true));
            return this;
        }

        /** A Boolean socket option by its portable id. */
        public Builder<C> socketBoolean(ChannelOption<Boolean> option, int id) {
            return option(option, c -> c.socket().getOption(id) != 0,
                    (c, on) -> c.socket().setOption(id, on ? 1 : 0));
        }

        /** An Integer socket option by its portable id, whose values must be >= min. */
        public Builder<C> socketInteger(ChannelOption<Integer> option, int id, int min) {
            return option(option, c -> c.socket().getOption(id),
                    (c, v) -> c.socket().setOption(id, inRange(option, v, min, Integer.MAX_VALUE)));
        }

        /** A Long socket option by its portable id, whose values (an int to the kernel) must be in [min, 2^31-1]. */
        public Builder<C> socketLong(ChannelOption<Long> option, int id, long min) {
            return option(option, c -> (long) c.socket().getOption(id),
                    (c, v) -> c.socket().setOption(id, inRange(option, v, min, Integer.MAX_VALUE)));
        }

        /**
         * The options {@code declarations} adds exist on {@code where} only: declared as they are when
         * {@code here} is true, else absent from {@code getOptions()} and failing with an
         * {@link UnsupportedOperationException} that names {@code where}.
         */
        public Builder<C> onlyOn(boolean here, String where, Consumer<Builder<C>> declarations) {
            if (here) {
                return include(declarations);
            }
            Builder<C> absent = new Builder<>();
            declarations.accept(absent);
            for (ChannelOption<?> option : absent.entries.keySet()) {
                entries.put(option, new Entry<C>(c -> {
                    throw unsupported(option, where);
                }, (c, v) -> {
                    throw unsupported(option, where);
                }, false));
            }
            return this;
        }

        /** Adds the entries {@code declarations} adds: a group of options that several tables share. */
        public Builder<C> include(Consumer<Builder<C>> declarations) {
            declarations.accept(this);
            return this;
        }

        /** Also handle every {@link IntegerSocketOption} and {@link RawSocketOption}, by level and name. */
        public Builder<C> rawSocketOptions() {
            rawSocketOptions = true;
            return this;
        }

        public OptionTable<C> build() {
            return new OptionTable<>(this);
        }

        private static UnsupportedOperationException unsupported(ChannelOption<?> option, String where) {
            String name = option.name().substring(option.name().lastIndexOf('#') + 1);
            return new UnsupportedOperationException(name + " is unsupported on this OS ("
                    + System.getProperty("os.name") + "): it exists on " + where + " only");
        }
    }
}
