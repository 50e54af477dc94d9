/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The libpmt authors */
/*
 * cpu.c - the riscv64 part of the bare-metal port for QEMU's virt machine,
 * machine mode, -bios none: the CLINT timer, the 16550 console, the SiFive
 * test device that ends the emulation with a status, the FP rounding mode
 * and the C side of the trap entry (trap.S).  Freestanding.
 */
#include <stdint.h>

#include "../core.h"
#include "../virt/virt.h"
#include "irq.h"

/* QEMU hw/riscv/virt.c memory map. */
#define VIRT_TEST 0x100000ul                 /* SiFive test finisher */
#define VIRT_CLINT 0x2000000ul               /* core-local interruptor */
#define VIRT_UART0 0x10000000ul              /* NS16550A */
#define CLINT_MTIMECMP (VIRT_CLINT + 0x4000) /* hart 0 */
#define CLINT_MTIME (VIRT_CLINT + 0xbff8)
#define CLINT_HZ 10000000u /* RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ */
#define UART_THR 0         /* transmit holding register */
#define UART_LSR 5         /* line status register */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u

#define MIE_MTIE 0x80ul /* machine timer interrupt enable */
#define MCAUSE_INTERRUPT (1ul << 63)
#define MCAUSE_MTI 7ul /* machine timer interrupt */

#define MMIO64(a) (*(volatile uint64_t *)(a))
#define MMIO32(a) (*(volatile uint32_t *)(a))
#define MMIO8(a) (*(volatile uint8_t *)(a))

/* Any context. */
uint64_t
pmt_virt_counter(void)
{
	return MMIO64(CLINT_MTIME);
}

uint64_t
pmt_virt_counter_hz(void)
{
	return CLINT_HZ;
}

/* Interrupts masked.  An interrupt is pending while mtime >= mtimecmp;
 * all ones is never reached. */
void
pmt_virt_timer_set(uint64_t when)
{
	MMIO64(CLINT_MTIMECMP) = when;
}

void
pmt_virt_timer_off(void)
{
	MMIO64(CLINT_MTIMECMP) = ~(uint64_t)0;
}

/* Interrupts masked: wfi ends when an enabled interrupt is pending, taken
 * or not. */
void
pmt_virt_wait(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

/* Interrupts masked. */
void
pmt_virt_putc(char c)
{
	while ((MMIO8(VIRT_UART0 + UART_LSR) & UART_LSR_THRE) == 0)
		;
	MMIO8(VIRT_UART0 + UART_THR) = (uint8_t)c;
}

/* Any context. */
void
pmt_virt_exit(int status)
{
	pmt_virt_irq_save();
	if (status == 0)
		MMIO32(VIRT_TEST) = TEST_PASS;
	else
		MMIO32(VIRT_TEST) = (uint32_t)(status & 0xff) << 16 | TEST_FAIL;
	for (;;)
		__asm__ __volatile__("wfi");
}

/* Thread context: frm, the dynamic rounding mode, whose encoding the
 * PMT_VIRT_ROUND_* values follow (RNE, RTZ, RDN, RUP). */
void
pmt_virt_round_set(int mode)
{
	__asm__ __volatile__("fsrm %0" : : "r"((unsigned long)mode & 3));
}

int
pmt_virt_round_get(void)
{
	unsigned long frm;

	__asm__ __volatile__("frrm %0" : "=r"(frm));
	return (int)frm;
}

/* Thread context, once, interrupts masked. */
void
pmt_virt_cpu_init(void)
{
	__asm__ __volatile__("csrs mie, %0" : : "r"(MIE_MTIE));
}

/*
 * trap.S: every trap, with the interrupted thread's caller-saved state in
 * the trap frame at frame, on its own stack, interrupts masked.  Only the
 * timer interrupt is expected; anything else (an exception) is a bug of
 * the kernel, reported with its cause and address.
 */
PMT_HIDDEN void pmt_virt_trap(unsigned long mcause, const void *frame);

void
pmt_virt_trap(unsigned long mcause, const void *frame)
{
	unsigned long mepc, mtval;

	if (mcause == (MCAUSE_INTERRUPT | MCAUSE_MTI)) {
		pmt_virt_tick(frame);
		return;
	}
	__asm__ __volatile__("csrr %0, mepc" : "=r"(mepc));
	__asm__ __volatile__("csrr %0, mtval" : "=r"(mtval));
	pmt_virt_puts("trap: mcause ");
	pmt_virt_putu(mcause);
	pmt_virt_puts(" mepc ");
	pmt_virt_putu(mepc);
	pmt_virt_puts(" mtval ");
	pmt_virt_putu(mtval);
	pmt_virt_puts("\n");
	pmt_port_panic("unexpected trap");
}

/* start.S, on the boot stack: the kernel, then its exit status. */
PMT_HIDDEN _Noreturn void pmt_virt_start(void);

void
pmt_virt_start(void)
{
	pmt_virt_exit(pmt_virt_main());
}
