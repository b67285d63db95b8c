package io.replicarouter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class WalPositionTests {

	@Test
	void parsesAndFormatsPostgresTextForm() {
		assertThat(WalPosition.parse("0/3000060").toLong()).isEqualTo(0x3000060L);
		assertThat(WalPosition.parse("16/B374D848").toLong()).isEqualTo((0x16L << 32) | 0xB374D848L);
		assertThat(WalPosition.of((0x16L << 32) | 0xB374D848L)).hasToString("16/B374D848");
		assertThat(WalPosition.parse("7FFFFFFF/FFFFFFFE")).hasToString("7FFFFFFF/FFFFFFFE");
		assertThat(WalPosition.UNKNOWN).hasToString("unknown");
		assertThat(WalPosition.CURRENT).hasToString("current");
	}

	@Test
	void rejectsWhatIsNotAPosition() {
		for (String bad : new String[] { "", "/", "0/", "/0", "x/1", "1/2/3", "123456789/0", "0/123456789" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> WalPosition.parse(bad));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> WalPosition.of(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> WalPosition.of(Long.MAX_VALUE));
	}

	@Test
	void anUnknownPositionIsNeitherAtNorPastAnyPosition() {
		WalPosition known = WalPosition.of(100);
		assertThat(WalPosition.UNKNOWN.isKnown()).isFalse();
		assertThat(WalPosition.UNKNOWN.isAtLeast(WalPosition.ZERO)).isFalse();
		assertThat(known.isAtLeast(WalPosition.UNKNOWN)).isFalse();
		assertThat(WalPosition.UNKNOWN.isAtLeast(WalPosition.UNKNOWN)).isFalse();
		assertThat(known.bytesAfter(WalPosition.UNKNOWN)).isZero();
		assertThat(known.max(WalPosition.UNKNOWN)).isSameAs(known);
		assertThat(known.min(WalPosition.UNKNOWN)).isSameAs(WalPosition.UNKNOWN);
		assertThatIllegalStateException().isThrownBy(WalPosition.UNKNOWN::toLong);
	}

	@Test
	void everyServerHasReplayedZeroAndNoReplicaIsReliedOnForCurrent() {
		WalPosition known = WalPosition.of(100);
		assertThat(known.isAtLeast(WalPosition.ZERO)).isTrue();
		assertThat(known.isAtLeast(WalPosition.CURRENT)).isFalse();
		assertThat(WalPosition.CURRENT.isAtLeast(known)).isTrue();
		assertThat(WalPosition.CURRENT.max(known)).isSameAs(WalPosition.CURRENT);
		assertThat(WalPosition.CURRENT.bytesAfter(known)).isZero();
		assertThat(WalPosition.of(0)).isSameAs(WalPosition.ZERO);
	}

	@Test
	void comparesByPlaceInTheLog() {
		WalPosition older = WalPosition.of(100);
		WalPosition newer = WalPosition.of(250);
		assertThat(newer.isAtLeast(older)).isTrue();
		assertThat(older.isAtLeast(newer)).isFalse();
		assertThat(newer.isAtLeast(WalPosition.of(250))).isTrue();
		assertThat(newer.bytesAfter(older)).isEqualTo(150);
		assertThat(older.bytesAfter(newer)).isZero();
		assertThat(older.max(newer)).isSameAs(newer);
		assertThat(older.min(newer)).isSameAs(older);
		assertThat(WalPosition.UNKNOWN).isLessThan(WalPosition.ZERO);
		assertThat(WalPosition.CURRENT).isGreaterThan(newer);
		assertThat(WalPosition.of(250)).isEqualTo(newer).hasSameHashCodeAs(newer);
	}

}
